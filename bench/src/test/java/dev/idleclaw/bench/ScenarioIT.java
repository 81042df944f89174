package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scenario S1 --quick}, {@code scenario S2 --quick --receipts} and {@code scenario S6 --quick} from the packaged jars, as an operator runs
 * them: hub, stand-in, node agent or fleet, and load generator as separate processes. Checks that they complete with
 * no failed request and print their tables and a parseable RESULT line; the figures themselves are not judged
 * (these are not timed tests), but the receipt accounting is: it is exact.
 */
class ScenarioIT {
    static final Path PRODUCT = Path.of(System.getProperty("idleclaw.jar", "../idleclaw/target/idleclaw.jar"));
    static final Path BENCH = Path.of(System.getProperty("idleclaw.bench.jar", "target/idleclaw-bench.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    /** A quick scenario takes seconds; this much means it hangs. */
    static final long TIMEOUT_SECONDS = 90;

    @Test
    void quickS1RunsEndToEnd() throws Exception {
        String text = scenario("S1", "--quick");
        assertThat(text).contains("via hub+node", "direct", "hub + node versus direct", "== targets");
        Map<?, ?> result = result(text);
        assertThat(result.get("scenario")).isEqualTo("S1");
        assertThat(((Map<?, ?>) result.get("via_hub")).get("failures")).isEqualTo(0);
        assertThat(((Map<?, ?>) result.get("direct")).get("failures")).isEqualTo(0);
        assertThat(((Map<?, ?>) result.get("via_hub")).get("tokens")).isEqualTo(50 * 20);
    }

    @Test
    void quickS2WithReceiptsHasOneAcceptedReceiptPerAnsweredRequest() throws Exception {
        String text = scenario("S2", "--quick", "--receipts", "--no-direct", "--consumers", "4", "--seconds", "1");
        assertThat(text).contains("receipts per level", "receipts accepted = requests answered @4");
        Map<?, ?> result = result(text);
        var level = (Map<?, ?>) ((List<?>) ((Map<?, ?>) result.get("receipts")).get("levels")).getFirst();
        long answered = ((Number) level.get("answered")).longValue();
        assertThat(answered).isGreaterThan(((Number) level.get("window_requests")).longValue()).isPositive();
        assertThat(((Number) level.get("accepted")).longValue()).isEqualTo(answered);
        assertThat(level.get("rejected")).isEqualTo(0);
        assertThat(level.get("balanced")).isEqualTo(true);
        assertThat(result.get("receipts_ledger_rows")).isEqualTo(result.get("receipts_accepted_total"));
        assertThat(((Map<?, ?>) ((Map<?, ?>) ((List<?>) result.get("levels")).getFirst()).get("via_hub")).get("failures")).isEqualTo(0);
    }

    @Test
    void quickS6RunsSmallAndAgentSizedRequestsThroughTheHubAndDirect() throws Exception {
        String text = scenario("S6", "--quick");
        assertThat(text).contains("small via hub+node", "agent via hub+node", "agent direct", "what the agent-sized body adds", "== targets");
        Map<?, ?> result = result(text);
        assertThat(result.get("scenario")).isEqualTo("S6");
        var variants = (Map<?, ?>) result.get("variants");
        for (String v : List.of("small", "agent")) {
            var variant = (Map<?, ?>) variants.get(v);
            assertThat(((Map<?, ?>) variant.get("via_hub")).get("failures")).as(v).isEqualTo(0);
            assertThat(((Map<?, ?>) variant.get("direct")).get("failures")).as(v).isEqualTo(0);
            assertThat(((Number) variant.get("hub_cpu_us_per_request")).doubleValue()).as(v).isPositive();
        }
        var added = (Map<?, ?>) result.get("agent_minus_small");
        assertThat(added.get("hub_cpu_us_per_request")).isInstanceOf(Number.class);
        assertThat(added.get("added_ttft_p50_ms")).isInstanceOf(Number.class);
    }

    /** Runs {@code bench scenario args…} against the packaged product jar; returns its output after a zero exit. */
    private static String scenario(String... args) throws Exception {
        assertThat(PRODUCT).as("product jar (run `./mvnw verify`, it packages first)").isRegularFile();
        assertThat(BENCH).isRegularFile();
        Path work = Files.createTempDirectory("idleclaw-bench-it");
        Path out = work.resolve("scenario.out");
        var cmd = new java.util.ArrayList<>(List.of(JAVA, "-jar", BENCH.toString(), "scenario"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--jar", PRODUCT.toString(), "--work-dir", work.toString()));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("scenario " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private static Map<?, ?> result(String text) {
        String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
        return Json.read(line.substring("RESULT ".length()), Map.class);
    }
}

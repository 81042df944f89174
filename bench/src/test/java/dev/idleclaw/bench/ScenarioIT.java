package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scenario S1 --quick}, {@code scenario S2 --quick --receipts}, {@code scenario S6 --quick}, {@code scenario S7 --quick},
 * {@code scenario S8 --quick}, and the cluster scenarios {@code S9 --quick} and {@code S10 --quick} (Redis at 127.0.0.1:6379:
 * without it they fail, never skip)
 * (with its own hub and against an external one) from the packaged jars, as an operator runs
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
    /** The cluster scenarios start two or three hubs, each a JVM, on a shared 2-core machine. */
    static final long CLUSTER_TIMEOUT_SECONDS = 240;

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

    @Test
    void quickS8RunsTheTrustFleetWithVerificationOffDefaultAndAccelerated() throws Exception {
        String text = scenario("S8", "--quick");
        assertThat(text).contains("S8 trust fleet", "verification accelerated", "cost of verification");
        Map<?, ?> result = result(text);
        var runs = (Map<?, ?>) result.get("runs");
        assertThat(List.copyOf(runs.keySet())).isEqualTo(List.of("off", "default", "accelerated"));
        for (Object name : runs.keySet()) {
            var run = (Map<?, ?>) runs.get(name);
            assertThat(((Number) run.get("requests")).longValue()).as(name.toString()).isPositive();
            assertThat(run.get("failures")).as(name.toString()).isEqualTo(0);
        }
        assertThat((Map<?, ?>) ((Map<?, ?>) runs.get("off")).get("verification")).isEmpty();
        assertThat(((Map<?, ?>) ((Map<?, ?>) runs.get("accelerated")).get("verification")).containsKey("canary_passed")).isTrue();
    }

    @Test
    void quickS7StreamsThroughItsOwnHubThenMeasuresSequentialTtft() throws Exception {
        Map<?, ?> result = result(scenario("S7", "--quick"));
        assertThat(result.get("hub")).isEqualTo("ours");
        assertS7Ran(result);
    }

    @Test
    void quickS7RunsAgainstAnExternalHubAndSamplesItsCpuByPid() throws Exception {
        Path work = Files.createTempDirectory("idleclaw-bench-it-hub");
        var hub = new ProcessBuilder(JAVA, "-jar", PRODUCT.toString(), "server", "--port", "0", "--data-dir", work.resolve("data").toString(),
                "--rate-limit-chat", "1000000", "--rate-limit-ws", "1000000", "--rate-limit-default", "1000000",
                "--max-chats-per-ip", "100000", "--max-connections-per-ip", "100000")
                .redirectErrorStream(true).start();
        try {
            String url = hubUrl(hub);
            String text = scenario(false, "S7", "--quick", "--hub-url", url, "--hub-pid", Long.toString(hub.pid()));
            assertThat(text).contains("hub external " + url + " (PID " + hub.pid() + ")");
            Map<?, ?> result = result(text);
            assertThat(result.get("hub")).isEqualTo("external");
            assertS7Ran(result);
            assertThat(hub.isAlive()).as("the scenario leaves an external hub running").isTrue();
        } finally {
            hub.destroy();
            hub.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void quickS9ForwardsEveryChatFromHubAToTheFleetOnHubB() throws Exception {
        String text = scenario(CLUSTER_TIMEOUT_SECONDS, true, "S9", "--quick");
        assertThat(text).contains("single hub (B)", "cross-hub (A → B)", "what forwarding costs", "== targets");
        Map<?, ?> result = result(text);
        var paths = (Map<?, ?>) result.get("paths");
        for (String p : List.of("single", "cross")) {
            var load = (Map<?, ?>) ((Map<?, ?>) paths.get(p)).get("load");
            assertThat(((Number) load.get("requests")).longValue()).as(p).isPositive();
            assertThat(load.get("failures")).as(p).isEqualTo(0);
            assertThat(((Number) ((Map<?, ?>) paths.get(p)).get("hubs_cpu_us_per_token")).doubleValue()).as(p).isPositive();
        }
        assertThat(result.get("added_ttft_p50_ms")).isInstanceOf(Number.class);
        assertThat(result.get("cpu_per_token_ratio")).isInstanceOf(Number.class);
    }

    @Test
    void quickS10KillsAHubMidRunAndOnlyItsInFlightStreamsFailWhileItsNodesComeBack() throws Exception {
        String text = scenario(CLUSTER_TIMEOUT_SECONDS, true, "S10", "--quick");
        assertThat(text).contains("S10 failover under load", "the kill", "== targets");
        var failover = (Map<?, ?>) result(text).get("failover");
        assertThat(failover.get("failed_other")).as("failures other than the killed hub's in-flight streams").isEqualTo(0);
        assertThat(failover.get("failed")).isEqualTo(failover.get("failed_in_flight_on_killed_hub"));
        assertThat(((Number) failover.get("nodes_back_seconds")).doubleValue()).as("every node back on a survivor").isPositive();
        assertThat(((Number) ((Map<?, ?>) failover.get("load")).get("windowTokens")).longValue()).isPositive();
        assertThat(((Map<?, ?>) failover.get("tokens_per_second")).keySet().stream().map(String::valueOf).toList())
                .contains("before", "during", "after");
    }

    /** The hub's "listening on" address; its output is drained on after that, until it exits. */
    private static String hubUrl(Process hub) throws Exception {
        var url = new java.util.concurrent.CompletableFuture<String>();
        var listening = java.util.regex.Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");
        Thread.ofVirtual().start(() -> {
            try (var lines = hub.inputReader()) {
                for (String l; (l = lines.readLine()) != null; ) {
                    var m = listening.matcher(l);
                    if (m.find()) url.complete(m.group(1));
                }
            } catch (java.io.IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new AssertionError("the hub exited before it listened"));
        });
        return url.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Both phases answered every request, and the hub's CPU was sampled in both. */
    private static void assertS7Ran(Map<?, ?> result) {
        assertThat(result.get("scenario")).isEqualTo("S7");
        var streaming = (Map<?, ?>) result.get("streaming");
        var sequential = (Map<?, ?>) result.get("sequential");
        assertThat(((Map<?, ?>) streaming.get("load")).get("failures")).isEqualTo(0);
        assertThat(((Number) ((Map<?, ?>) streaming.get("load")).get("windowTokens")).longValue()).isPositive();
        assertThat(((Number) streaming.get("hub_cpu_us_per_token")).doubleValue()).isPositive();
        assertThat(((Map<?, ?>) sequential.get("load")).get("failures")).isEqualTo(0);
        assertThat(((Map<?, ?>) sequential.get("load")).get("requests")).isEqualTo(20);
        assertThat(((Map<?, ?>) sequential.get("load")).get("tokens")).isEqualTo(20 * 10);
        assertThat(((Number) sequential.get("ttft_p50_ms")).doubleValue()).isPositive();
        assertThat(((Number) sequential.get("hub_cpu_us_per_request")).doubleValue()).isPositive();
        assertThat(List.copyOf(((Map<?, ?>) result.get("load_average")).keySet())).isEqualTo(List.of("before", "streaming", "sequential"));
    }

    /** Runs {@code bench scenario args…} against the packaged product jar; returns its output after a zero exit. */
    private static String scenario(String... args) throws Exception {
        return scenario(true, args);
    }

    /** Runs {@code bench scenario args…} ({@code --jar} the packaged product when {@code withJar}); its output after a zero exit. */
    private static String scenario(boolean withJar, String... args) throws Exception {
        return scenario(TIMEOUT_SECONDS, withJar, args);
    }

    /** {@link #scenario(boolean, String...)}, allowed {@code timeoutSeconds}. */
    private static String scenario(long timeoutSeconds, boolean withJar, String... args) throws Exception {
        assertThat(PRODUCT).as("product jar (run `./mvnw verify`, it packages first)").isRegularFile();
        assertThat(BENCH).isRegularFile();
        Path work = Files.createTempDirectory("idleclaw-bench-it");
        Path out = work.resolve("scenario.out");
        var cmd = new java.util.ArrayList<>(List.of(JAVA, "-jar", BENCH.toString(), "scenario"));
        cmd.addAll(List.of(args));
        if (withJar) cmd.addAll(List.of("--jar", PRODUCT.toString()));
        cmd.addAll(List.of("--work-dir", work.toString()));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("scenario " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(out));
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

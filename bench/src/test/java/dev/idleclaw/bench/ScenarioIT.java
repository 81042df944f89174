package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scenario S1 --quick} from the packaged jars, as an operator runs it: hub, stand-in, node agent and load
 * generator as separate processes. Checks that it completes with no failed request and prints both its tables
 * and a parseable RESULT line; the figures themselves are not judged (this is not a timed test).
 */
class ScenarioIT {
    static final Path PRODUCT = Path.of(System.getProperty("idleclaw.jar", "../idleclaw/target/idleclaw.jar"));
    static final Path BENCH = Path.of(System.getProperty("idleclaw.bench.jar", "target/idleclaw-bench.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void quickS1RunsEndToEnd() throws Exception {
        assertThat(PRODUCT).as("product jar (run `./mvnw verify`, it packages first)").isRegularFile();
        assertThat(BENCH).isRegularFile();
        Path work = Files.createTempDirectory("idleclaw-bench-it");
        Path out = work.resolve("scenario.out");
        var p = new ProcessBuilder(List.of(JAVA, "-jar", BENCH.toString(), "scenario", "S1", "--quick",
                "--jar", PRODUCT.toString(), "--work-dir", work.toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("scenario S1 --quick did not finish in 90 s:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("via hub+node", "direct", "hub + node versus direct", "== targets");
        String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
        Map<?, ?> result = Json.read(line.substring("RESULT ".length()), Map.class);
        assertThat(result.get("scenario")).isEqualTo("S1");
        assertThat(((Map<?, ?>) result.get("via_hub")).get("failures")).isEqualTo(0);
        assertThat(((Map<?, ?>) result.get("direct")).get("failures")).isEqualTo(0);
        assertThat(((Map<?, ?>) result.get("via_hub")).get("tokens")).isEqualTo(50 * 20);
    }
}

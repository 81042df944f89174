package dev.idleclaw.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.bench.Json;
import dev.idleclaw.bench.load.Latency;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.bench.proc.ProcFs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and shape: hub-versus-direct differences and ratios, CPU per token, the RESULT line. */
class FiguresTest {
    static LoadSummary summary(double ttftP50, double ttftP99, double totalP50, double totalP99, long tokens) {
        return new LoadSummary("ollama", 10, 100, 0, 10, tokens, tokens, 10, tokens / 10.0,
                new Latency(100, ttftP50, ttftP50 + 1, ttftP99, ttftP99 + 1), new Latency(100, totalP50, totalP50 + 1, totalP99, totalP99 + 1),
                1, 10, Map.of(), 100);
    }

    final Measured hub = new Measured(summary(25, 40, 2010, 2050, 10_000), Map.of("hub", new Usage(0.05, 0.5, 200, 210)));
    final Measured direct = new Measured(summary(20, 30, 2000, 2020, 10_000), Map.of());

    @Test
    void comparesAtP50AndP99() {
        var json = Figures.compareJson(hub, direct);
        assertThat(json).containsEntry("ttft_p50_ms_added", 5.0).containsEntry("ttft_p50_ms_ratio", 1.25)
                .containsEntry("ttft_p99_ms_added", 10.0).containsEntry("total_p99_ms_added", 30.0)
                .containsEntry("tok_per_s_ratio", 1.0);
        assertThat(Figures.compare(hub, direct).toString()).contains("ttft p50 ms", "total p99 ms", "added", "ratio");
    }

    @Test
    void hubCpuPerRelayedToken() {
        assertThat(hub.microsPerToken("hub")).isEqualTo(5.0); // 0.05 s over 10,000 tokens
        assertThat(Figures.processes(hub).toString()).contains("hub", "cpu µs/token");
        assertThat(hub.microsPerToken("fleet")).isNaN();
    }

    @Test
    void cpuPerRequestAndTheNodeAgentsSummed() {
        var m = new Measured(summary(25, 40, 2010, 2050, 10_000), Map.of("hub", new Usage(0.05, 0.5, 200, 210),
                "node-1", new Usage(0.02, 0.2, 100, 120), "node-2", new Usage(0.03, 0.3, 110, 130)));
        assertThat(m.microsPerRequest("hub")).isEqualTo(500.0); // 0.05 s over 100 requests
        assertThat(m.sum("node-")).isEqualTo(new Usage(0.05, 0.5, 210, 250));
        assertThat(m.microsPerRequest(m.sum("node-"))).isEqualTo(500.0);
        assertThat(m.microsPerRequest("standin")).isNaN();
    }

    @Test
    void resultLineIsOneJsonObjectWithTheTargets() {
        var bytes = new ByteArrayOutputStream();
        var report = new Report(new PrintStream(bytes, true, StandardCharsets.UTF_8), "S1", true, false);
        report.put("comparison", Figures.compareJson(hub, direct));
        report.target("added ttft p50 ms", 5.0, "≤ 1", false);
        report.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("== targets", "added ttft p50 ms", "NO");
        String line = out.lines().filter(l -> l.startsWith(Report.RESULT_PREFIX)).findFirst().orElseThrow();
        var parsed = Json.read(line.substring(Report.RESULT_PREFIX.length()), Map.class);
        assertThat(parsed).containsKeys("scenario", "quick", "pinned", "comparison", "targets");
    }

    @Test
    void readsThisProcessFromProc() {
        long pid = ProcessHandle.current().pid();
        var s = ProcFs.sample(pid);
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(s.rssBytes()).isPositive();
            assertThat(s.cpuNanos()).isPositive();
        }
        assertThat(ProcFs.ownCpuNanos()).isPositive();
    }
}

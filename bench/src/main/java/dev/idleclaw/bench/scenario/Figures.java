package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.Latency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tables and JSON figures shared by the scenarios: process usage, hub-versus-direct comparison, tool saturation. */
final class Figures {
    /** Above this share of their one core, the fleet and load generator may be what limits the run. */
    static final double TOOLS_SATURATED_PERCENT = 85;

    private Figures() {}

    /** One row per process: CPU over the measured phase, RSS, and CPU per token the consumers received. */
    static Table processes(Measured m) {
        var t = new Table("process", "cpu s", "cpu %", "rss MB", "peak MB", "cpu µs/token");
        m.usage().forEach((name, u) -> t.row(name, u.cpuSeconds(), u.cpuPercent(), name.equals(Cluster.OTHERS) ? null : u.rssMb(),
                name.equals(Cluster.OTHERS) ? null : u.peakRssMb(), m.microsPerToken(name)));
        return t;
    }

    static Map<String, Object> processesJson(Measured m) {
        var out = new LinkedHashMap<String, Object>();
        m.usage().forEach((name, u) -> {
            var p = new LinkedHashMap<String, Object>();
            p.put("cpu_seconds", round(u.cpuSeconds()));
            p.put("cpu_percent", round(u.cpuPercent()));
            p.put("rss_mb", round(u.rssMb()));
            p.put("peak_rss_mb", round(u.peakRssMb()));
            p.put("cpu_us_per_token", round(m.microsPerToken(name)));
            out.put(name, p);
        });
        return out;
    }

    /** TTFT and total at p50/p99 and tokens/s: via the hub, direct, the difference and the ratio. */
    static Table compare(Measured hub, Measured direct) {
        var t = new Table("metric", "via hub", "direct", "added", "ratio");
        for (var row : comparison(hub, direct)) t.row(row.name, row.hub, row.direct, row.hub - row.direct, row.hub / row.direct);
        return t;
    }

    static Map<String, Object> compareJson(Measured hub, Measured direct) {
        var out = new LinkedHashMap<String, Object>();
        for (var row : comparison(hub, direct)) {
            String key = row.name.replace(' ', '_').replace("/", "_per_");
            out.put(key + "_hub", round(row.hub));
            out.put(key + "_direct", round(row.direct));
            out.put(key + "_added", round(row.hub - row.direct));
            out.put(key + "_ratio", round(row.hub / row.direct));
        }
        return out;
    }

    private record Row(String name, double hub, double direct) {}

    private static List<Row> comparison(Measured hub, Measured direct) {
        Latency ht = hub.load().ttft(), dt = direct.load().ttft(), hT = hub.load().total(), dT = direct.load().total();
        return List.of(new Row("ttft p50 ms", ht.p50(), dt.p50()), new Row("ttft p99 ms", ht.p99(), dt.p99()),
                new Row("total p50 ms", hT.p50(), dT.p50()), new Row("total p99 ms", hT.p99(), dT.p99()),
                new Row("tok/s", hub.load().tokensPerSecond(), direct.load().tokensPerSecond()));
    }

    /** CPU % the tools (fleet + load) used of their shared core. */
    static double toolsPercent(Measured m) {
        return m.of("fleet").cpuPercent() + m.of("load").cpuPercent();
    }

    /** Above this share of one core used by other processes during a run, its figures are suspect. */
    static final double DISTURBED_PERCENT = 10;

    /** Notes a run during which other processes on the machine used a noticeable share of the CPUs. */
    static void disturbedNote(Report r, String label, Measured m) {
        double others = m.of(Cluster.OTHERS).cpuPercent();
        if (others >= DISTURBED_PERCENT) {
            r.note(String.format("%s: other processes on this machine used %.0f%% of a core during the run: its figures are disturbed;"
                    + " run it again on a quiet machine.", label, others));
        }
    }

    /** Notes where the tools, not the hub, were the limit, with the hub capacity its CPU cost implies. */
    static void toolsNote(Report r, String label, Measured m) {
        disturbedNote(r, label, m);
        double tools = toolsPercent(m), hubUs = m.microsPerToken("hub");
        if (tools >= TOOLS_SATURATED_PERCENT) {
            r.note(String.format("%s: fleet + load used %.0f%% of their core: the tools were (near) the limit, not the hub"
                    + " (hub %.0f%% of its core). At %.1f µs of hub CPU per relayed token, one hub core implies ~%.0f tokens/s.",
                    label, tools, m.of("hub").cpuPercent(), hubUs, 1e6 / hubUs));
        }
    }

    /**
     * Notes a direct run that fell short of what the fleet plan allows: then the stand-in itself was the limit of
     * the baseline, and hub-versus-direct differences at that level understate the hub's cost.
     */
    static void baselineNote(Report r, String label, Measured direct, double idealTokensPerSecond) {
        disturbedNote(r, label + " (direct)", direct);
        double tps = direct.load().tokensPerSecond();
        if (Double.isNaN(idealTokensPerSecond) || tps >= 0.95 * idealTokensPerSecond) return;
        r.note(String.format("%s: the direct run reached only %.0f%% of the ideal %.0f tokens/s with its server at %.0f%% of its"
                + " core: that server, not the network, limits the baseline; compare the hub with the ideal instead.",
                label, 100 * tps / idealTokensPerSecond, idealTokensPerSecond, directServer(direct).cpuPercent()));
    }

    /** The server of a direct run: the sim or the stand-in. */
    static Usage directServer(Measured direct) {
        return direct.usage().containsKey("sim") ? direct.of("sim") : direct.of("standin");
    }

    /** Round to 3 decimals for the JSON line (NaN becomes null). */
    static Object round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}

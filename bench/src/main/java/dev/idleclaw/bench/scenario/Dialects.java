package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S4 dialects: the S2 fleet at 500 consumers through each front door (IdleClaw SSE, Ollama NDJSON, OpenAI SSE)
 * in turn, then direct. Target: no door more than 10% slower than the best (tokens/s and total p50).
 */
final class Dialects {
    private static final List<Door> DOORS = List.of(Door.IDLECLAW, Door.OLLAMA, Door.OPENAI);

    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    Dialects(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        var plan = FleetPlan.of(cmd);
        int consumers = cmd.levels(new Integer[] {500}, new Integer[] {10}).getFirst();
        double seconds = cmd.pick(cmd.seconds, 30.0, 2.0);
        report.title(String.format("S4 dialects: %s; %d consumers, %.0f s per door", plan.describe(), consumers, seconds));
        Map<Door, Measured> runs = new LinkedHashMap<>();
        URI hub = plan.start(cluster);
        for (Door d : DOORS) cluster.warm(hub, d, consumers, cmd.quick ? FleetPlan.QUICK_WARM_SECONDS : FleetPlan.WARM_SECONDS, cmd.model);
        for (Door d : DOORS) runs.put(d, cluster.load(hub, d, consumers, 0, seconds, cmd.model, consumers));
        cluster.stop("fleet");
        cluster.stop("hub");
        Measured direct = null;
        if (!cmd.noDirect) {
            URI directUrl = plan.startDirect(cluster, cmd);
            direct = cluster.load(directUrl, Door.DIRECT_OLLAMA, consumers, 0, seconds, cmd.model, consumers);
            FleetPlan.stopDirect(cluster);
        }

        var t = LoadSummary.table("door");
        runs.forEach((d, m) -> m.load().addTo(t, d.label()));
        if (direct != null) direct.load().addTo(t, "direct");
        report.table(t);

        double bestTps = runs.values().stream().mapToDouble(m -> m.load().tokensPerSecond()).max().orElse(Double.NaN);
        double bestTotal = runs.values().stream().mapToDouble(m -> m.load().total().p50()).min().orElse(Double.NaN);
        double bestTtft = runs.values().stream().mapToDouble(m -> m.load().ttft().p99()).min().orElse(Double.NaN);
        report.title("spread versus the best door");
        var s = new Table("door", "tok/s % of best", "total p50 % slower", "ttft p99 % slower", "hub cpu%", "hub µs/tok", "fleet cpu%", "load cpu%");
        var doorsJson = new ArrayList<Map<String, Object>>();
        for (var e : runs.entrySet()) {
            Measured m = e.getValue();
            double tpsPct = 100 * m.load().tokensPerSecond() / bestTps;
            double totalSlower = 100 * (m.load().total().p50() / bestTotal - 1), ttftSlower = 100 * (m.load().ttft().p99() / bestTtft - 1);
            s.row(e.getKey().label(), tpsPct, totalSlower, ttftSlower, m.of("hub").cpuPercent(), m.microsPerToken("hub"),
                    m.of("fleet").cpuPercent(), m.of("load").cpuPercent());
            var j = new LinkedHashMap<String, Object>();
            j.put("door", e.getKey().label());
            j.put("via_hub", m.load());
            j.put("processes", Figures.processesJson(m));
            j.put("tokens_per_second_percent_of_best", Figures.round(tpsPct));
            j.put("total_p50_percent_slower", Figures.round(totalSlower));
            j.put("ttft_p99_percent_slower", Figures.round(ttftSlower));
            j.put("hub_cpu_us_per_token", Figures.round(m.microsPerToken("hub")));
            if (direct != null) j.put("comparison", Figures.compareJson(m, direct));
            doorsJson.add(j);
            report.target("failures " + e.getKey().label(), m.load().failures(), "0", m.load().failures() == 0);
            report.target("slower than best " + e.getKey().label() + " %", Math.max(100 - tpsPct, totalSlower), "≤ 10",
                    tpsPct >= 90 && totalSlower <= 10);
        }
        report.table(s);
        runs.forEach((d, m) -> Figures.toolsNote(report, d.label(), m));
        if (direct != null) Figures.baselineNote(report, "direct", direct, plan.idealTokensPerSecond(consumers));
        report.put("consumers", consumers);
        report.put("doors", doorsJson);
        if (direct != null) report.put("direct", direct.load());
    }
}

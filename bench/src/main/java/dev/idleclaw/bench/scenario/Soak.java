package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.bench.proc.ProcSample;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S5 soak: the S2 fleet at 500 consumers for 10 minutes; the hub's RSS every 30 s, and its growth after a
 * 1-minute warm-up. Targets: no RSS growth after warm-up (≤ 5% allowed for GC noise), 0 failures.
 */
final class Soak {
    /** RSS noise a collector may add between two samples without it being a leak. */
    private static final double GROWTH_TOLERANCE_PERCENT = 5;
    /**
     * Warm-up as a share of the soak: a 512 MB heap was still sizing up at 60 s of a 10-minute run (flat from 90 s),
     * so a fixed 60 s cut read heap expansion as a leak.
     */
    private static final double WARMUP_SHARE = 0.2;

    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    Soak(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        var plan = FleetPlan.of(cmd);
        int consumers = cmd.levels(new Integer[] {500}, new Integer[] {10}).getFirst();
        double seconds = cmd.pick(cmd.seconds, 600.0, 30.0);
        int every = cmd.quick ? 5 : 30;
        int warmup = (int) Math.max(cmd.quick ? 10 : 60, seconds * WARMUP_SHARE);
        Door door = cmd.door();
        report.title(String.format("S5 soak: %s; %d consumers for %.0f s, door %s; hub RSS every %d s, growth after %d s",
                plan.describe(), consumers, seconds, door.label(), every, warmup));
        URI hub = plan.start(cluster);
        long start = System.nanoTime();
        Measured soak = cluster.load(hub, door, consumers, 0, seconds, cmd.model, consumers);
        List<ProcSample> series = cluster.sampler().series("hub");
        cluster.stop("fleet");
        cluster.stop("hub");
        Measured direct = null;
        if (!cmd.noDirect) {
            URI directUrl = plan.startDirect(cluster, cmd);
            direct = cluster.load(directUrl, Door.DIRECT_OLLAMA, consumers, 0, seconds, cmd.model, consumers);
            FleetPlan.stopDirect(cluster);
        }

        var t = LoadSummary.table("path");
        soak.load().addTo(t, "hub");
        if (direct != null) direct.load().addTo(t, "direct");
        report.table(t);
        report.title("processes during the soak");
        report.table(Figures.processes(soak));

        report.title("hub RSS over time (from the load's start, warm-up included)");
        var rss = new Table("t s", "rss MB", "cpu % since previous");
        var points = new ArrayList<Map<String, Object>>();
        ProcSample previous = null, atWarmup = null, last = null;
        long next = 0;
        for (ProcSample s : series) {
            long at = (s.atNanos() - start) / 1_000_000_000L;
            if (at < next) continue;
            rss.row(at, s.rssMb(), previous == null ? Double.NaN : s.cpuPercentSince(previous));
            points.add(Map.of("t_s", at, "rss_mb", Figures.round(s.rssMb())));
            if (atWarmup == null && at >= warmup) atWarmup = s;
            previous = s;
            last = s;
            next = at + every;
        }
        if (!series.isEmpty()) last = series.getLast();
        report.table(rss);
        double growth = atWarmup == null || last == null ? Double.NaN : last.rssMb() - atWarmup.rssMb();
        double growthPct = atWarmup == null ? Double.NaN : 100 * growth / atWarmup.rssMb();
        var j = new LinkedHashMap<String, Object>();
        j.put("consumers", consumers);
        j.put("seconds", seconds);
        j.put("via_hub", soak.load());
        j.put("processes", Figures.processesJson(soak));
        j.put("rss_series", points);
        j.put("rss_growth_after_warmup_mb", Figures.round(growth));
        j.put("rss_growth_after_warmup_percent", Figures.round(growthPct));
        if (direct != null) j.put("comparison", Figures.compareJson(soak, direct));
        report.put("soak", j);
        Figures.toolsNote(report, "soak", soak);
        if (direct != null) Figures.baselineNote(report, "direct", direct, plan.idealTokensPerSecond(consumers));
        report.target("failures", soak.load().failures(), "0", soak.load().failures() == 0);
        report.target("rss growth after warm-up %", growthPct, "≤ " + (int) GROWTH_TOLERANCE_PERCENT, growthPct <= GROWTH_TOLERANCE_PERCENT);
    }
}

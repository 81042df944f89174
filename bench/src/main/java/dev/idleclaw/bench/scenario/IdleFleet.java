package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Json;
import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.fleet.FleetCommand;
import dev.idleclaw.bench.proc.Child;
import dev.idleclaw.bench.proc.ProcFs;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;

/**
 * S3 idle fleet: 10,000 nodes connect at once (a storm), register and heart-beat; the hub's RSS and idle CPU are
 * measured over 60 s (after a 5 s settle). Targets: RSS ≤ 512 MB, idle CPU ≤ 5% of one core, no registration lost. No consumers, so
 * there is no direct baseline.
 */
final class IdleFleet {
    /** After the storm, time for the hub to finish compiling and collecting before "idle" is measured. */
    private static final Duration SETTLE = Duration.ofSeconds(5), QUICK_SETTLE = Duration.ofSeconds(1);
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    IdleFleet(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        int nodes = cmd.pick(cmd.nodes, 10_000, 500);
        int idle = cmd.pick(cmd.idleSeconds, 60, 10);
        var registerTimeout = Duration.ofSeconds(cmd.quick ? 30 : 180);
        report.title(String.format("S3 idle fleet: %d nodes, connect %s, then %d s idle", nodes,
                cmd.connectRate == 0 ? "storm" : cmd.connectRate + "/s", idle));

        URI hub = cluster.startHub();
        var beforeStorm = cluster.snapshot().get("hub");
        long t0 = System.nanoTime();
        Child fleet = cluster.startFleet(new Fleet.Options(hub, nodes, 1, 1, 0, cmd.model, FleetPlan.HEARTBEAT_SECONDS, cmd.connectRate));
        var storm = StormTimeline.await(hub, nodes, registerTimeout, t0);
        long sinceFleetStart = storm.millisToAll(t0);
        int atStorm = Health.nodeCount(hub);
        var stormUse = Usage.between(beforeStorm, cluster.sampler().now("hub"), 0);

        Thread.sleep(cmd.quick ? QUICK_SETTLE : SETTLE);
        var from = cluster.snapshot();
        var machineFrom = ProcFs.machine();
        long fromNanos = System.nanoTime(), ownFrom = ProcFs.ownCpuNanos();
        Thread.sleep(Duration.ofSeconds(idle));
        var to = cluster.snapshot();
        var machineTo = ProcFs.machine();
        long ours = to.get("hub").cpuNanos() - from.get("hub").cpuNanos() + to.get("fleet").cpuNanos() - from.get("fleet").cpuNanos()
                + ProcFs.ownCpuNanos() - ownFrom;
        double othersPercent = Math.max(0, 100.0 * (machineTo.cpuNanos() - machineFrom.cpuNanos() - ours) / (machineTo.atNanos() - machineFrom.atNanos()));
        int atEnd = Health.nodeCount(hub);
        var hubUse = Usage.between(from.get("hub"), to.get("hub"), cluster.sampler().peakRss("hub", 0, System.nanoTime()));
        var fleetUse = Usage.between(from.get("fleet"), to.get("fleet"), cluster.sampler().peakRss("fleet", fromNanos, System.nanoTime()));
        cluster.stop("fleet");
        Fleet.Status status = fleetResult(fleet);

        var t = new Table("figure", "value");
        t.row("nodes asked for", nodes);
        t.row("registered at the hub after the storm", atStorm);
        t.row("time until the hub counted all (ms, from fleet launch)", sinceFleetStart);
        t.row("registrations/s: overall / first 10 s / last 10 s", String.format("%.0f / %.0f / %.0f",
                storm.overallRate(), storm.earlyRate(), storm.lateRate()));
        t.row("hub cpu % during the storm", stormUse.cpuPercent());
        // CPU time rather than wall time: on a shared machine the hub's core is not always its own.
        double cpuMsPerRegistration = stormUse.cpuSeconds() * 1000 / Math.max(1, atStorm);
        t.row("hub cpu ms per registration (storm, JIT warm-up included)", cpuMsPerRegistration);
        t.row("registered at the hub after idling", atEnd);
        t.row("fleet: connect failures / closed", status == null ? "-" : status.failed() + " / " + status.closed());
        t.row("hub idle cpu % of one core", hubUse.cpuPercent());
        t.row("hub rss MB (end / peak)", String.format("%.0f / %.0f", hubUse.rssMb(), hubUse.peakRssMb()));
        double perNodeKb = (hubUse.rssMb() - beforeStorm.rssMb()) * 1024 / Math.max(1, atEnd);
        t.row("hub rss added per node KB", perNodeKb);
        t.row("fleet cpu % (idle) / rss MB", String.format("%.1f / %.0f", fleetUse.cpuPercent(), fleetUse.rssMb()));
        t.row("other processes' cpu % while idle", othersPercent);
        report.table(t);
        if (othersPercent >= Figures.DISTURBED_PERCENT) {
            report.note(String.format("other processes used %.0f%% of a core while the hub idled: the idle figures are disturbed", othersPercent));
        }
        if (status != null && !status.reasons().isEmpty()) report.note("fleet close/failure reasons: " + status.reasons());

        var j = new LinkedHashMap<String, Object>();
        j.put("nodes", nodes);
        j.put("registered_after_storm", atStorm);
        j.put("registered_after_idle", atEnd);
        j.put("storm_ms", sinceFleetStart);
        j.put("storm_registrations_per_second", Figures.round(storm.overallRate()));
        j.put("storm_first_10s_per_second", Figures.round(storm.earlyRate()));
        j.put("storm_last_10s_per_second", Figures.round(storm.lateRate()));
        j.put("hub_storm_cpu_percent", Figures.round(stormUse.cpuPercent()));
        j.put("hub_storm_cpu_ms_per_registration", Figures.round(cpuMsPerRegistration));
        j.put("idle_seconds", idle);
        j.put("hub_idle_cpu_percent", Figures.round(hubUse.cpuPercent()));
        j.put("hub_rss_mb", Figures.round(hubUse.rssMb()));
        j.put("hub_peak_rss_mb", Figures.round(hubUse.peakRssMb()));
        j.put("hub_rss_before_mb", Figures.round(beforeStorm.rssMb()));
        j.put("hub_rss_per_node_kb", Figures.round(perNodeKb));
        j.put("fleet_idle_cpu_percent", Figures.round(fleetUse.cpuPercent()));
        j.put("fleet_rss_mb", Figures.round(fleetUse.rssMb()));
        j.put("others_cpu_percent", Figures.round(othersPercent));
        j.put("fleet_status", status);
        report.put("idle_fleet", j);
        int lost = nodes - Math.min(atStorm, atEnd);
        report.target("registrations lost", lost, "0", lost == 0 && sinceFleetStart >= 0);
        report.target("hub rss MB", hubUse.peakRssMb(), "≤ 512", hubUse.peakRssMb() <= 512);
        report.target("hub idle cpu %", hubUse.cpuPercent(), "≤ 5", hubUse.cpuPercent() <= 5);
    }

    private static Fleet.Status fleetResult(Child fleet) {
        try {
            String line = fleet.awaitLine(l -> l.startsWith(FleetCommand.RESULT_PREFIX), Duration.ofSeconds(5));
            return Json.read(line.substring(FleetCommand.RESULT_PREFIX.length()), Fleet.Status.class);
        } catch (RuntimeException | InterruptedException e) {
            return null;
        }
    }
}

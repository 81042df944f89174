package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * S9 cross-hub relay (issue 17 §3, there called S6): two hubs in a cluster sharing Redis, the fleet on hub B only.
 * First the single-hub path (consumers on hub B, as S2), then the cross-hub path (consumers on hub A, every chat
 * forwarded A → B), the same fleet, consumers and time. Targets: forwarding adds ≤ 2 ms to TTFT p50, and the two hubs
 * together spend ≤ 2× the single hub's CPU per token. Both hubs share the server CPU.
 */
final class CrossHubRelay {
    /** Time allowed for the fleet to register and for hub A to see it through Redis (one 5 s refresh, and margin). */
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(60);
    static final double ADDED_TTFT_P50_MS = 2, CPU_RATIO = 2;
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    CrossHubRelay(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        var plan = FleetPlan.of(cmd);
        int consumers = cmd.levels(new Integer[] {250}, new Integer[] {5}).getFirst();
        double seconds = cmd.pick(cmd.seconds, 30.0, 2.0);
        Door door = cmd.door();
        URI redis = cmd.redis;
        RedisStore.requireReachable(redis);
        String prefix = RedisStore.runPrefix();
        report.title(String.format("S9 cross-hub relay: hubs A and B in a cluster (Redis %s, prefix %s), fleet on B: %s; %d consumers,"
                + " %.0f s each path, door %s", redis, prefix, plan.describe(), consumers, seconds, door.label()));
        URI a = cluster.startClusterHub("hub-a", redis, prefix), b = cluster.startClusterHub("hub-b", redis, prefix);
        cluster.startFleet(new Fleet.Options(b, plan.nodes(), plan.slots(), plan.tokens(), plan.delayMs(), cmd.model,
                FleetPlan.HEARTBEAT_SECONDS, cmd.connectRate, plan.auth()));
        awaitVisible(a, b, plan.nodes());
        double warm = cmd.quick ? FleetPlan.QUICK_WARM_SECONDS : FleetPlan.WARM_SECONDS;
        cluster.warm(b, door, consumers, warm, cmd.model);
        cluster.warm(a, door, consumers, warm, cmd.model);
        Measured single = cluster.load(b, door, consumers, 0, seconds, cmd.model, consumers);
        Measured cross = cluster.load(a, door, consumers, 0, seconds, cmd.model, consumers);
        print(plan, single, cross);
    }

    /** Hub B has every node itself, and hub A lists them all from the shared directory. */
    private static void awaitVisible(URI a, URI b, int nodes) throws InterruptedException {
        long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
        while (Health.localNodes(b) < nodes || Health.nodeCount(a) < nodes) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("after " + VISIBLE_TIMEOUT.toSeconds() + " s hub B has " + Health.localNodes(b) + " of " + nodes
                        + " nodes and hub A lists " + Health.nodeCount(a) + " (is the cluster's Redis shared?)");
            }
            Thread.sleep(Health.POLL_MILLIS);
        }
    }

    private void print(FleetPlan plan, Measured single, Measured cross) {
        var t = LoadSummary.table("path");
        single.load().addTo(t, "single hub (B)");
        cross.load().addTo(t, "cross-hub (A → B)");
        report.table(t);
        double singleUs = single.microsPerToken("hub-b");
        double crossUs = microsPerToken(cross, cross.sum("hub-"));
        double addedP50 = cross.load().ttft().p50() - single.load().ttft().p50();
        double addedP99 = cross.load().ttft().p99() - single.load().ttft().p99();
        report.title("what forwarding costs");
        var s = new Table("path", "tok/s", "ttft p50", "ttft p99", "hub A cpu%", "hub B cpu%", "hubs µs/tok", "fleet cpu%", "load cpu%");
        s.row("single hub (B)", single.load().tokensPerSecond(), single.load().ttft().p50(), single.load().ttft().p99(),
                single.of("hub-a").cpuPercent(), single.of("hub-b").cpuPercent(), singleUs, single.of("fleet").cpuPercent(), single.of("load").cpuPercent());
        s.row("cross-hub (A → B)", cross.load().tokensPerSecond(), cross.load().ttft().p50(), cross.load().ttft().p99(),
                cross.of("hub-a").cpuPercent(), cross.of("hub-b").cpuPercent(), crossUs, cross.of("fleet").cpuPercent(), cross.of("load").cpuPercent());
        report.table(s);
        report.note("single hub: hub B's CPU alone (hub A idles in the cluster meanwhile, shown for reference); cross-hub: hubs A and B summed.");
        Figures.toolsNote(report, "single hub", single);
        Figures.toolsNote(report, "cross-hub", cross);
        if (cross.load().failures() > 0 && cross.load().failures() == cross.load().requests()) {
            report.note("every cross-hub request failed (" + cross.load().errors() + "): hub A does not forward to hub B's nodes;"
                    + " S9 needs forwarding between the hubs of a cluster.");
        }
        report.target("failures single hub", single.load().failures(), "0", single.load().failures() == 0);
        report.target("failures cross-hub", cross.load().failures(), "0", cross.load().failures() == 0);
        report.target("added ttft p50 ms (cross − single)", addedP50, "≤ " + (int) ADDED_TTFT_P50_MS, addedP50 <= ADDED_TTFT_P50_MS);
        double ratio = crossUs / singleUs;
        report.target("hubs' cpu per token, cross / single", ratio, "≤ " + (int) CPU_RATIO, ratio <= CPU_RATIO);
        var paths = new LinkedHashMap<String, Object>();
        paths.put("single", path(single, singleUs));
        paths.put("cross", path(cross, crossUs));
        report.put("paths", paths);
        report.put("added_ttft_p50_ms", Figures.round(addedP50));
        report.put("added_ttft_p99_ms", Figures.round(addedP99));
        report.put("cpu_per_token_ratio", Figures.round(ratio));
        report.put("fleet", Map.of("nodes", plan.nodes(), "slots", plan.slots(), "tokens", plan.tokens(), "delay_ms", plan.delayMs()));
    }

    private static Map<String, Object> path(Measured m, double hubsUs) {
        var j = new LinkedHashMap<String, Object>();
        j.put("load", m.load());
        j.put("processes", Figures.processesJson(m));
        j.put("hubs_cpu_us_per_token", Figures.round(hubsUs));
        return j;
    }

    /** CPU µs of {@code u} per token the consumers received in the window (NaN when none). */
    private static double microsPerToken(Measured m, Usage u) {
        return m.load().windowTokens() == 0 ? Double.NaN : u.cpuSeconds() * 1e6 / m.load().windowTokens();
    }
}

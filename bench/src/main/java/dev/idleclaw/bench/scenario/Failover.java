package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.bench.load.Timeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S10 failover under load (issue 17 §3, there called S7): three hubs in a cluster, the fleet spread over them
 * (node i on hub i mod 3) and consumers likewise; mid-run one hub is killed with SIGKILL. Nodes come back as the
 * real node agent does (its backoff, a fresh id) at the next hub, and consumers refused by the dead hub go to the
 * next one, as a balancer in front of the hubs would route both. Reports the failed requests (target: only the
 * streams in flight on the killed hub), how long until every node is registered on a survivor (target ≤ 15 s), and
 * tokens/s before, during and after.
 */
final class Failover {
    static final int HUBS = 3;
    /** The hub killed: the second, so its nodes and consumers move to the third. */
    static final int KILLED = 1;
    static final double RECOVERY_TARGET_SECONDS = 15;
    /** Longer than any backoff a node reaches in this scenario: past it the nodes are not coming back. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(120);
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    Failover(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    /** When the hub died and when every node was back on a survivor (epoch ms, -1 = never), with the counts seen meanwhile. */
    private record Kill(long killedMillis, int activeBefore, long recoveredMillis, List<long[]> counts) {}

    void run() throws Exception {
        int nodes = cmd.pick(cmd.nodes, 60, 6), slots = cmd.pick(cmd.slots, 10, 5), tokens = cmd.pick(cmd.tokens, 100, 10);
        long delay = cmd.pick(cmd.delayMs, 20L, 50L);
        int consumers = cmd.levels(new Integer[] {500}, new Integer[] {20}).getFirst();
        double seconds = cmd.pick(cmd.seconds, 60.0, 8.0), killAfter = cmd.pick(cmd.killAfter, 20.0, 3.0);
        if (killAfter <= 0 || killAfter >= seconds) throw new IllegalArgumentException("--kill-after must be between 0 and --seconds");
        Door door = cmd.door();
        RedisStore.requireReachable(cmd.redis);
        String prefix = RedisStore.runPrefix();
        report.title(String.format("S10 failover under load: %d hubs in a cluster (Redis %s, prefix %s), %d nodes × %d slots spread over"
                + " them, %d tokens at %d ms; %d consumers spread likewise for %.0f s, door %s; hub-%d killed (SIGKILL) after %.0f s",
                HUBS, cmd.redis, prefix, nodes, slots, tokens, delay, consumers, seconds, door.label(), KILLED + 1, killAfter));
        var hubs = new ArrayList<URI>();
        for (int i = 1; i <= HUBS; i++) hubs.add(cluster.startClusterHub("hub-" + i, cmd.redis, prefix));
        cluster.startFleet(new Fleet.Options(hubs.getFirst(), nodes, slots, tokens, delay, cmd.model, FleetPlan.HEARTBEAT_SECONDS,
                cmd.connectRate, false, false, hubs, true));
        if (awaitLocal(hubs, nodes, REGISTER_TIMEOUT) < 0) throw new IllegalStateException("not every fleet node registered: " + local(hubs));
        for (URI h : hubs) cluster.warm(h, door, Math.max(1, consumers / HUBS), FleetPlan.QUICK_WARM_SECONDS, cmd.model);
        var kill = new Kill[1];
        var spread = cluster.loadSpread(hubs, door, consumers, seconds, cmd.model, consumers, () -> {
            Thread.sleep((long) (killAfter * 1000));
            kill[0] = killAndWatch(hubs, nodes);
        });
        print(hubs, nodes, spread, kill[0]);
    }

    /** Kills the hub, then polls the survivors until they hold every node (each its own, not the shared directory's). */
    private Kill killAndWatch(List<URI> hubs, int nodes) throws InterruptedException {
        int active = Health.activeRequests(hubs.get(KILLED));
        cluster.kill("hub-" + (KILLED + 1));
        long killed = System.currentTimeMillis(); // the process is gone: whatever started on it until now was in flight
        var survivors = new ArrayList<>(hubs);
        survivors.remove(KILLED);
        long recovered = -1, deadline = killed + RECOVERY_TIMEOUT.toMillis();
        var counts = new ArrayList<long[]>();
        while (recovered < 0 && System.currentTimeMillis() < deadline) {
            int here = sum(survivors);
            long now = System.currentTimeMillis();
            counts.add(new long[] {now - killed, here});
            if (here >= nodes) recovered = now;
            else Thread.sleep(Health.POLL_MILLIS);
        }
        return new Kill(killed, active, recovered, counts);
    }

    private static int sum(List<URI> hubs) {
        int n = 0;
        for (URI h : hubs) n += Math.max(0, Health.localNodes(h));
        return n;
    }

    private static String local(List<URI> hubs) {
        var parts = new ArrayList<String>();
        for (URI h : hubs) parts.add(h + ": " + Health.localNodes(h));
        return String.join(", ", parts);
    }

    /** Milliseconds until the hubs together hold {@code nodes} of their own, -1 on timeout. */
    private static long awaitLocal(List<URI> hubs, int nodes, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < timeout.toNanos()) {
            if (sum(hubs) >= nodes) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(Health.POLL_MILLIS);
        }
        return -1;
    }

    private void print(List<URI> hubs, int nodes, Cluster.Spread spread, Kill kill) {
        Measured m = spread.measured();
        Timeline tl = spread.timeline();
        var t = LoadSummary.table("run");
        m.load().addTo(t, "all hubs");
        report.table(t);
        long inFlightKilled = 0, unexpected = 0;
        var unexpectedKinds = new LinkedHashMap<String, Long>();
        for (var f : tl.failures()) {
            if (f.url() == KILLED && f.startedMillis() <= kill.killedMillis()) inFlightKilled++;
            else {
                unexpected++;
                unexpectedKinds.merge(f.error(), 1L, Long::sum);
            }
        }
        long start = tl.ticks().isEmpty() ? kill.killedMillis() : tl.ticks().getFirst().atMillis();
        long end = tl.ticks().isEmpty() ? kill.killedMillis() : tl.ticks().getLast().atMillis();
        long back = kill.recoveredMillis() < 0 ? end : kill.recoveredMillis();
        double before = tl.tokensPerSecond(start, kill.killedMillis()), during = tl.tokensPerSecond(kill.killedMillis(), back),
                after = tl.tokensPerSecond(back, end);
        double recovery = kill.recoveredMillis() < 0 ? Double.NaN : (kill.recoveredMillis() - kill.killedMillis()) / 1000.0;
        report.title("the kill");
        var s = new Table("failed", "in flight on the killed hub", "other failures", "hub's active requests at the kill", "rerouted",
                "nodes back (s)", "tok/s before", "during", "after");
        s.row(m.load().failures(), inFlightKilled, unexpected, kill.activeBefore(), tl.rerouted(), recovery, before, during, after);
        report.table(s);
        report.note("\"nodes back\": every node registered on a surviving hub (the survivors' own /metrics, not the shared directory,"
                + " which lists the dead hub's nodes until its entries expire); \"rerouted\": requests a refused connection sent to the next"
                + " hub. Failures are the window's requests; \"during\" runs from the kill until the nodes are back. The killed hub's CPU"
                + " is not in the figures.");
        if (!unexpectedKinds.isEmpty()) report.note("failures other than the killed hub's in-flight streams: " + unexpectedKinds);
        if (tl.failuresDropped() > 0) report.note(tl.failuresDropped() + " failures beyond the kept ones were only counted");
        Figures.disturbedNote(report, "S10", m);
        report.target("failures other than the killed hub's in-flight streams", unexpected, "0", unexpected == 0 && tl.failuresDropped() == 0);
        report.target("seconds until every node is back on a survivor", recovery, "≤ " + (int) RECOVERY_TARGET_SECONDS,
                recovery <= RECOVERY_TARGET_SECONDS);
        var j = new LinkedHashMap<String, Object>();
        j.put("load", m.load());
        j.put("processes", Figures.processesJson(m));
        j.put("failed", m.load().failures());
        j.put("failed_in_flight_on_killed_hub", inFlightKilled);
        j.put("failed_other", unexpected);
        j.put("killed_hub_active_requests", kill.activeBefore());
        j.put("rerouted", tl.rerouted());
        j.put("nodes_back_seconds", Figures.round(recovery));
        j.put("counts_columns", List.of("ms_after_kill", "nodes_on_survivors"));
        j.put("tokens_per_second", Map.of("before", nullable(before), "during", nullable(during), "after", nullable(after)));
        j.put("counts_after_kill", kill.counts());
        report.put("failover", j);
        report.put("fleet", Map.of("hubs", hubs.size(), "nodes", nodes));
    }

    private static Object nullable(double v) {
        Object r = Figures.round(v);
        return r == null ? "n/a" : r;
    }
}

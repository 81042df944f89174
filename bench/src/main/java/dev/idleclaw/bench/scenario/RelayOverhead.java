package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import java.net.URI;

/**
 * S1 relay overhead: one real node agent in front of the stand-in (100 tokens, 0 ms/token), one consumer,
 * 1,000 requests; then the same load straight at the stand-in. Target: hub + node add ≤ 1 ms at p50 and ≤ 5 ms
 * at p99 to TTFT and total time.
 */
final class RelayOverhead {
    /**
     * Unmeasured requests before each path: three JVMs (hub, node agent, stand-in) are still compiling their hot
     * paths after 200 requests (TTFT p50 fell from 4.3 to 2.1 ms between a 200- and a 4,000-request warm-up).
     */
    static final int WARMUP_REQUESTS = 3000;
    static final int QUICK_WARMUP_REQUESTS = 20;
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    RelayOverhead(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        int tokens = cmd.pick(cmd.tokens, 100, 20);
        long delay = cmd.pick(cmd.delayMs, 0L, 0L);
        int consumers = cmd.levels(new Integer[] {1}, new Integer[] {1}).getFirst();
        long requests = cmd.pick(cmd.requests, 1000L, 50L);
        int warmup = cmd.quick ? QUICK_WARMUP_REQUESTS : WARMUP_REQUESTS;
        Door door = cmd.door();
        report.title(String.format("S1 relay overhead: node agent + stand-in (%d tokens, %d ms/token), %d consumer(s), %d requests, door %s",
                tokens, delay, consumers, requests, door.label()));

        URI hub = cluster.startHub();
        var standIn = cluster.startStandIn(cmd.model, tokens, delay, false);
        cluster.startNode(hub, standIn, Math.max(2, Math.min(10, consumers)));
        Measured viaHub = cluster.load(hub, door, consumers, requests, 0, cmd.model, warmup);
        cluster.stop("node");
        cluster.stop("hub");
        cluster.stop("standin");
        Measured direct = null;
        if (!cmd.noDirect) {
            var alone = cluster.startStandIn(cmd.model, tokens, delay, true);
            direct = cluster.load(alone, Door.DIRECT_OLLAMA, consumers, requests, 0, cmd.model, warmup);
            cluster.stop("standin");
        }

        var t = LoadSummary.table("path");
        viaHub.load().addTo(t, "via hub+node");
        if (direct != null) direct.load().addTo(t, "direct");
        report.table(t);
        report.title("processes during the run via the hub");
        report.table(Figures.processes(viaHub));
        report.put("via_hub", viaHub.load());
        report.put("via_hub_processes", Figures.processesJson(viaHub));
        report.put("node_cpu_us_per_token", Figures.round(viaHub.microsPerToken("node")));
        report.put("hub_cpu_us_per_token", Figures.round(viaHub.microsPerToken("hub")));
        report.target("failures", viaHub.load().failures(), "0", viaHub.load().failures() == 0);
        Figures.disturbedNote(report, "via hub+node", viaHub);
        if (direct != null) Figures.disturbedNote(report, "direct", direct);
        if (direct != null) {
            report.title("hub + node versus direct");
            report.table(Figures.compare(viaHub, direct));
            report.put("direct", direct.load());
            report.put("direct_processes", Figures.processesJson(direct));
            report.put("comparison", Figures.compareJson(viaHub, direct));
            check("added ttft p50 ms", viaHub.load().ttft().p50() - direct.load().ttft().p50(), 1);
            check("added ttft p99 ms", viaHub.load().ttft().p99() - direct.load().ttft().p99(), 5);
            check("added total p50 ms", viaHub.load().total().p50() - direct.load().total().p50(), 1);
            check("added total p99 ms", viaHub.load().total().p99() - direct.load().total().p99(), 5);
        }
    }

    private void check(String what, double added, double limit) {
        report.target(what, added, "≤ " + (int) limit, added <= limit);
    }
}

package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.AgentBody;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.wire.WireLimits;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S6 agent-sized requests: real node agents ({@value #SLOTS} slots each, {@value #SLOT_HEADROOM} slots per consumer) in front of
 * the stand-in ({@value #TOKENS} tokens at {@value #DELAY_MS} ms), 50 consumers for a fixed time with small requests (one short user message), then
 * with agent-sized ones ({@link AgentBody}: 64 KiB, {@value AgentBody#TOOLS} tools, a history of tool steps); then
 * both straight at the stand-in. Figures: the hub's CPU per request for each and their difference (what a large body
 * costs the hub), and the TTFT that hub + node add over the direct run. Target: no failed request. With
 * {@code --receipts} the node agents prove keys and sign a receipt per answer, which the hub checks (estimating the
 * prompt's tokens) and records, as for a real contributor.
 */
final class AgentRequests {
    /** Unmeasured requests before each run: the agent-body paths (parsing, sizing, encoding) must be compiled too. */
    static final int WARMUP_REQUESTS = 1500;
    static final int QUICK_WARMUP_REQUESTS = 20;
    /** Tokens per answer: agents' turns are mostly tool calls and short texts; the prompt is what is large. */
    static final int TOKENS = 20;
    /**
     * Milliseconds per token: one answer a second per consumer, so 50 requests/s. At 20 ms (125 requests/s) the tools
     * core (node agents, stand-in and load, ~8 ms of CPU per request together) saturated and its queueing hid the hub.
     */
    static final long DELAY_MS = 50;
    /** Slots per node agent: the most a node accepts, so few JVMs share the tools core. */
    static final int SLOTS = WireLimits.MAX_CONCURRENT_CEILING;
    /**
     * Node slots per consumer. A node whose slots are all busy when it sends a heartbeat reports {@code available:false},
     * and the hub then skips it until its next heartbeat (15 s): with exactly one slot per consumer that took about half
     * the fleet out of rotation and the consumers queued for seconds. With half again as many slots nodes are rarely full.
     */
    static final double SLOT_HEADROOM = 1.5;

    /** One kind of request: small ({@code bytes} 0) or agent-sized. */
    private record Variant(String name, int bytes) {}

    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    AgentRequests(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        int consumers = cmd.levels(new Integer[] {50}, new Integer[] {4}).getFirst();
        int tokens = cmd.pick(cmd.tokens, TOKENS, 5);
        long delay = cmd.pick(cmd.delayMs, DELAY_MS, 1L);
        double seconds = cmd.pick(cmd.seconds, 45.0, 2.0);
        int warmup = cmd.quick ? QUICK_WARMUP_REQUESTS : WARMUP_REQUESTS;
        int nodes = (int) Math.ceil(consumers * SLOT_HEADROOM / SLOTS);
        Door door = cmd.door();
        if (door == Door.IDLECLAW) throw new IllegalArgumentException("S6: --door ollama or openai (the IdleClaw door takes no tools)");
        var variants = List.of(new Variant("small", 0), new Variant("agent", cmd.bodyBytes()));
        report.title(String.format("S6 agent-sized requests: %d %s node agent(s) × %d slots + stand-in (%d tokens, %d ms/token), %d consumers,"
                + " %.0f s per run after %d warm-up requests, door %s; small bodies, then %d-byte agent bodies (%d tools)",
                nodes, cmd.receipts ? "receipt-signing" : "anonymous", SLOTS, tokens, delay, consumers, seconds, warmup, door.label(),
                cmd.bodyBytes(), AgentBody.TOOLS));
        report.put("receipts", cmd.receipts);

        Map<String, Measured> viaHub = new LinkedHashMap<>(), direct = new LinkedHashMap<>();
        URI hub = cluster.startHub();
        var standIn = cluster.startStandIn(cmd.model, tokens, delay, false);
        List<String> nodeNames = cluster.startNodes(hub, standIn, nodes, SLOTS, cmd.receipts);
        for (Variant v : variants) viaHub.put(v.name(), cluster.load(hub, door, consumers, 0, seconds, cmd.model, warmup, v.bytes()));
        for (String n : nodeNames) cluster.stop(n);
        cluster.stop("hub");
        cluster.stop("standin");
        if (!cmd.noDirect) {
            var alone = cluster.startStandIn(cmd.model, tokens, delay, true);
            for (Variant v : variants) {
                direct.put(v.name(), cluster.load(alone, Door.DIRECT_OLLAMA, consumers, 0, seconds, cmd.model, warmup, v.bytes()));
            }
            cluster.stop("standin");
        }
        print(viaHub, direct);
    }

    private void print(Map<String, Measured> viaHub, Map<String, Measured> direct) {
        var t = LoadSummary.table("run");
        viaHub.forEach((name, m) -> m.load().addTo(t, name + " via hub+node"));
        direct.forEach((name, m) -> m.load().addTo(t, name + " direct"));
        report.table(t);

        report.title("CPU per request (requests started in the window; CPU until they all finished)");
        var cpu = new Table("run", "reqs", "hub cpu%", "hub µs/req", "hub µs/token", "nodes µs/req", "stand-in µs/req", "load µs/req", "others cpu%");
        viaHub.forEach((name, m) -> cpu.row(name + " via hub+node", m.load().requests(), m.of("hub").cpuPercent(), m.microsPerRequest("hub"),
                m.microsPerToken("hub"), m.microsPerRequest(m.sum(Cluster.NODE_PREFIX)), m.microsPerRequest("standin"),
                m.microsPerRequest("load"), m.of(Cluster.OTHERS).cpuPercent()));
        direct.forEach((name, m) -> cpu.row(name + " direct", m.load().requests(), null, null, null, null, m.microsPerRequest("standin"),
                m.microsPerRequest("load"), m.of(Cluster.OTHERS).cpuPercent()));
        report.table(cpu);

        var json = new LinkedHashMap<String, Object>();
        for (var e : viaHub.entrySet()) {
            String name = e.getKey();
            Measured m = e.getValue(), d = direct.get(name);
            var j = new LinkedHashMap<String, Object>();
            j.put("via_hub", m.load());
            j.put("via_hub_processes", Figures.processesJson(m));
            j.put("hub_cpu_us_per_request", Figures.round(m.microsPerRequest("hub")));
            j.put("nodes_cpu_us_per_request", Figures.round(m.microsPerRequest(m.sum(Cluster.NODE_PREFIX))));
            report.target("failures " + name + " via hub", m.load().failures(), "0", m.load().failures() == 0);
            if (d != null) {
                report.title("hub + node versus direct, " + name + " requests");
                report.table(Figures.compare(m, d));
                j.put("direct", d.load());
                j.put("direct_processes", Figures.processesJson(d));
                j.put("comparison", Figures.compareJson(m, d));
                report.target("failures " + name + " direct", d.load().failures(), "0", d.load().failures() == 0);
            }
            json.put(name, j);
        }
        report.put("variants", json);
        difference(viaHub, direct);
        viaHub.forEach((name, m) -> Figures.disturbedNote(report, name + " via hub+node", m));
        direct.forEach((name, m) -> Figures.disturbedNote(report, name + " direct", m));
    }

    /** What the agent-sized body adds over the small one: hub CPU per request, and the added TTFT at p50 and p99. */
    private void difference(Map<String, Measured> viaHub, Map<String, Measured> direct) {
        Measured small = viaHub.get("small"), agent = viaHub.get("agent");
        var diff = new LinkedHashMap<String, Object>();
        var t = new Table("agent minus small", "value");
        double hubUs = agent.microsPerRequest("hub") - small.microsPerRequest("hub");
        double nodesUs = agent.microsPerRequest(agent.sum(Cluster.NODE_PREFIX)) - small.microsPerRequest(small.sum(Cluster.NODE_PREFIX));
        t.row("hub µs/request", hubUs);
        t.row("nodes µs/request", nodesUs);
        diff.put("hub_cpu_us_per_request", Figures.round(hubUs));
        diff.put("nodes_cpu_us_per_request", Figures.round(nodesUs));
        if (direct.containsKey("small") && direct.containsKey("agent")) {
            double p50 = added(agent, direct.get("agent"), true) - added(small, direct.get("small"), true);
            double p99 = added(agent, direct.get("agent"), false) - added(small, direct.get("small"), false);
            t.row("added ttft p50 ms", p50);
            t.row("added ttft p99 ms", p99);
            diff.put("added_ttft_p50_ms", Figures.round(p50));
            diff.put("added_ttft_p99_ms", Figures.round(p99));
        }
        report.title("what the agent-sized body adds");
        report.table(t);
        report.put("agent_minus_small", diff);
    }

    /** TTFT via the hub minus TTFT direct, at p50 or p99. */
    private static double added(Measured hub, Measured direct, boolean p50) {
        return p50 ? hub.load().ttft().p50() - direct.load().ttft().p50() : hub.load().ttft().p99() - direct.load().ttft().p99();
    }
}

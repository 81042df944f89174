package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * S7 realistic fleet: 20 nodes × 10 slots streaming 100 tokens at 20 ms and 100 consumers, a load where frames
 * rarely arrive together, so every token costs the hub its own frame and write. After a warm-up, a measured window
 * gives hub CPU per relayed token, tokens/s against the ideal, failures and TTFT; then the fleet is replaced by one
 * of the same shape whose tokens leave at once ({@code --seq-delay-ms}, default 0) and one consumer sends requests
 * one after another: the warm hub's sequential TTFT. The hub is ours ({@code --jar}) or one already running
 * ({@code --hub-url}, with {@code --hub-pid} for its CPU), such as the original Python server: the fleet speaks the
 * IdleClaw node wire and connects each node from its own loopback address, and the load uses a door both serve.
 */
final class RealisticFleet {
    /** Time allowed for the whole fleet to register, and for a stopped fleet's nodes to leave the hub. */
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(120);
    /** Unmeasured sequential requests first: the new fleet's connections and the hub's per-request path warm up. */
    static final int SEQ_WARMUP = 200, QUICK_SEQ_WARMUP = 5;
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    RealisticFleet(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        var plan = new FleetPlan(cmd.pick(cmd.nodes, 20, 2), cmd.pick(cmd.slots, 10, 5), cmd.pick(cmd.tokens, 100, 10),
                cmd.pick(cmd.delayMs, 20L, 5L), cmd.model, cmd.connectRate, false);
        int consumers = cmd.levels(new Integer[] {100}, new Integer[] {5}).getFirst();
        double seconds = cmd.pick(cmd.seconds, 30.0, 2.0);
        long seqRequests = cmd.pick(cmd.requests, 1000L, 20L);
        long seqDelay = cmd.seqDelayMs;
        Door door = cmd.door != null ? cmd.door : Door.IDLECLAW;
        URI hub = hub();
        report.title(String.format("S7 realistic fleet: %s, %d consumers, %.0f s; then 1 consumer × %d requests at %d ms/token;"
                + " door %s; hub %s", plan.describe(), consumers, seconds, seqRequests, seqDelay, door.label(), hubLabel(hub)));

        startFleet(hub, plan, plan.delayMs());
        String loadBefore = loadAverage();
        cluster.warm(hub, door, consumers, cmd.quick ? FleetPlan.QUICK_WARM_SECONDS : FleetPlan.WARM_SECONDS, cmd.model);
        Measured streaming = cluster.load(hub, door, consumers, 0, seconds, cmd.model, consumers);
        String loadStreaming = loadAverage();
        cluster.stop("fleet");
        if (!Health.awaitFewerNodes(hub, plan.nodes(), REGISTER_TIMEOUT)) throw new IllegalStateException("the stopped fleet's nodes did not leave the hub");
        startFleet(hub, plan, seqDelay);
        Measured sequential = cluster.load(hub, door, 1, seqRequests, 0, cmd.model, cmd.quick ? QUICK_SEQ_WARMUP : SEQ_WARMUP);
        String loadSequential = loadAverage();
        var loads = new LinkedHashMap<String, String>();
        loads.put("before", loadBefore);
        loads.put("streaming", loadStreaming);
        loads.put("sequential", loadSequential);
        print(plan, consumers, streaming, sequential, loads);
    }

    /** Our hub, started here; or the external one of {@code --hub-url}, sampled as "hub" when its PID is given. */
    private URI hub() throws Exception {
        if (cmd.hubUrl == null) return cluster.startHub();
        if (cmd.hubPid != null) cluster.adopt("hub", cmd.hubPid);
        return cmd.hubUrl;
    }

    private String hubLabel(URI hub) {
        if (cmd.hubUrl == null) return "ours (" + cmd.productJar().getFileName() + ")";
        return "external " + hub + (cmd.hubPid != null ? " (PID " + cmd.hubPid + ")" : " (no PID: hub CPU not measured)");
    }

    private void startFleet(URI hub, FleetPlan plan, long delayMs) throws Exception {
        if (!InetAddress.getByName(hub.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("S7's fleet connects each node from its own loopback address: the hub must listen on loopback");
        }
        cluster.startFleet(new Fleet.Options(hub, plan.nodes(), plan.slots(), plan.tokens(), delayMs, plan.model(),
                FleetPlan.HEARTBEAT_SECONDS, plan.connectRate(), false, true));
        if (Health.awaitNodes(hub, plan.nodes(), REGISTER_TIMEOUT) < 0) {
            throw new IllegalStateException("only " + Health.nodeCount(hub) + " of " + plan.nodes() + " fleet nodes registered");
        }
    }

    private void print(FleetPlan plan, int consumers, Measured streaming, Measured sequential, Map<String, String> loads) {
        var t = LoadSummary.table("phase");
        streaming.load().addTo(t, "streaming " + consumers);
        sequential.load().addTo(t, "sequential 1");
        report.table(t);
        boolean sampled = cmd.hubUrl == null || cmd.hubPid != null;
        double ideal = plan.idealTokensPerSecond(consumers), tps = streaming.load().tokensPerSecond();
        double usPerToken = sampled ? streaming.microsPerToken("hub") : Double.NaN;
        var s = new Table("phase", "tok/s", "ideal tok/s", "% ideal", "hub cpu%", "hub µs/tok", "hub µs/req", "hub rss MB",
                "fleet cpu%", "load cpu%", "others cpu%");
        s.row("streaming", tps, ideal, 100 * tps / ideal, streaming.of("hub").cpuPercent(), usPerToken,
                streaming.microsPerRequest("hub"), streaming.of("hub").peakRssMb(), streaming.of("fleet").cpuPercent(),
                streaming.of("load").cpuPercent(), streaming.of(Cluster.OTHERS).cpuPercent());
        s.row("sequential", sequential.load().tokensPerSecond(), Double.NaN, Double.NaN, sequential.of("hub").cpuPercent(),
                sampled ? sequential.microsPerToken("hub") : Double.NaN, sampled ? sequential.microsPerRequest("hub") : Double.NaN,
                sequential.of("hub").peakRssMb(), sequential.of("fleet").cpuPercent(), sequential.of("load").cpuPercent(),
                sequential.of(Cluster.OTHERS).cpuPercent());
        report.table(s);
        report.note("machine load average (1, 5, 15 min): before " + loads.get("before") + "; after streaming " + loads.get("streaming")
                + "; after sequential " + loads.get("sequential"));
        Figures.toolsNote(report, "streaming", streaming);
        Figures.disturbedNote(report, "sequential", sequential);
        report.target("failures (streaming)", streaming.load().failures(), "0", streaming.load().failures() == 0);
        report.target("failures (sequential)", sequential.load().failures(), "0", sequential.load().failures() == 0);
        report.target("% of ideal tok/s", 100 * tps / ideal, "≥ 95", tps >= 0.95 * ideal);
        if (sampled) report.target("hub µs/token", usPerToken, "≤ 10", usPerToken <= 10);
        report.put("fleet", Map.of("nodes", plan.nodes(), "slots", plan.slots(), "tokens", plan.tokens(), "delay_ms", plan.delayMs(),
                "sequential_delay_ms", cmd.seqDelayMs));
        report.put("hub", cmd.hubUrl == null ? "ours" : "external");
        var j = new LinkedHashMap<String, Object>();
        j.put("load", streaming.load());
        j.put("processes", Figures.processesJson(streaming));
        j.put("ideal_tokens_per_second", Figures.round(ideal));
        j.put("percent_of_ideal", Figures.round(100 * tps / ideal));
        j.put("hub_cpu_us_per_token", Figures.round(usPerToken));
        report.put("streaming", j);
        var q = new LinkedHashMap<String, Object>();
        q.put("load", sequential.load());
        q.put("processes", Figures.processesJson(sequential));
        q.put("ttft_p50_ms", Figures.round(sequential.load().ttft().p50()));
        q.put("ttft_p99_ms", Figures.round(sequential.load().ttft().p99()));
        q.put("hub_cpu_us_per_request", Figures.round(sampled ? sequential.microsPerRequest("hub") : Double.NaN));
        report.put("sequential", q);
        report.put("load_average", loads);
    }

    /** The first three fields of {@code /proc/loadavg}, or "n/a" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "n/a";
        }
    }
}

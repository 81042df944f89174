package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Json;
import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadCommand;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.bench.load.Timeline;
import dev.idleclaw.bench.proc.Child;
import dev.idleclaw.bench.proc.Pinning;
import dev.idleclaw.bench.proc.ProcFs;
import dev.idleclaw.bench.proc.ProcSample;
import dev.idleclaw.bench.proc.Sampler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The processes of a scenario: hub, stand-in Ollama, node agent, fleet and load generator, each a separate JVM,
 * sampled by one {@link Sampler}. The server under test (the hub, or the stand-in in a direct run) is pinned alone
 * to CPU {@value #SERVER_CPU}; everything that stands for the outside world (consumers, fleet, node agent and the
 * Ollama behind it) shares CPU {@value #TOOLS_CPU}.
 */
final class Cluster implements AutoCloseable {
    /** The server under test gets a core of its own ... */
    static final int SERVER_CPU = 0;
    /** ... and the load generator, fleet, node agent and its Ollama share the other (on a real network they are remote). */
    static final int TOOLS_CPU = 1;
    /** A JVM that has not said it is listening by then will not. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Limits raised far above any scenario, so the hub's defenses never shape the figures. */
    private static final String UNLIMITED = "1000000";
    /** The pseudo-process that stands for everything else on the machine. */
    static final String OTHERS = "others";
    /** Names of the node agents {@link #startNodes} starts: {@code node-1}, {@code node-2}, … */
    static final String NODE_PREFIX = "node-";
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");

    /** Where things are and how big the JVMs may be. */
    record Settings(Path productJar, String benchClasspath, Path workDir, String hubXmx, String toolXmx, boolean pin,
                    String hubLogLevel) {}

    private final Settings settings;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final Sampler sampler = new Sampler();
    private final Map<String, Child> running = new LinkedHashMap<>();
    /** Processes this cluster did not start but samples (an external hub): never stopped by it. */
    private final Map<String, Long> adopted = new LinkedHashMap<>();

    Cluster(Settings settings) {
        this.settings = settings;
    }

    Sampler sampler() {
        return sampler;
    }

    /** {@code idleclaw server} with every limit raised; returns its base URL. */
    URI startHub() throws IOException, InterruptedException {
        return startHub(List.of());
    }

    /** {@link #startHub()} with {@code extra} server options (S8: verification rates, an admin token). */
    URI startHub(List<String> extra) throws IOException, InterruptedException {
        return startHub("hub", 0, extra);
    }

    /**
     * A hub named {@code name} as a member of the cluster sharing {@code redis} under {@code prefix} (S9, S10): on a
     * port picked here, because its {@code --cluster-url} must name it before it starts; its own data directory.
     */
    URI startClusterHub(String name, URI redis, String prefix) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            try {
                return startHub(name, port, List.of("--cluster", redis.toString(), "--cluster-url", "http://127.0.0.1:" + port,
                        "--cluster-prefix", prefix));
            } catch (IllegalStateException e) {
                stop(name);
                boolean taken = Files.readString(settings.workDir().resolve(name + ".log")).contains("Address already in use");
                if (!taken || attempt == PORT_TRIES) throw e;
            }
        }
    }

    /** The port picked for a cluster hub can be taken by another process before the hub binds it: try a new one. */
    private static final int PORT_TRIES = 3;

    /** A loopback port nobody listens on right now (the hub takes it a moment later). */
    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private URI startHub(String name, int port, List<String> extra) throws IOException, InterruptedException {
        Path data = settings.workDir().resolve(name + "-data-" + System.nanoTime());
        var cmd = jvm(SERVER_CPU, settings.hubXmx(), "-jar", settings.productJar().toString(), "server", "--port", Integer.toString(port),
                "--data-dir", data.toString(), "--rate-limit-chat", UNLIMITED, "--rate-limit-ws", UNLIMITED,
                "--rate-limit-default", UNLIMITED, "--max-nodes-per-ip", "100000", "--max-chats-per-ip", "100000",
                "--max-connections-per-ip", "100000",
                "--queue-size", "100000", "--queue-timeout", "60", "--max-response-chars", "100000000");
        cmd.addAll(extra);
        return listening(start(name, cmd, Map.of("IDLECLAW_LOG_LEVEL", settings.hubLogLevel())));
    }

    /**
     * The test kit's stand-in Ollama streaming {@code tokens} at {@code delayMs}: on the server CPU when it is the
     * server under test (direct runs), else on the tools CPU (behind a node agent).
     */
    URI startStandIn(String model, int tokens, long delayMs, boolean underTest) throws IOException, InterruptedException {
        var cmd = jvm(underTest ? SERVER_CPU : TOOLS_CPU, "512m", "-cp", settings.benchClasspath(), "dev.idleclaw.testkit.StandInOllama",
                "--port", "0", "--model", model, "--tokens", Integer.toString(tokens), "--delay-ms", Long.toString(delayMs));
        return listening(start("standin", cmd));
    }

    /** The simulated Ollama (fleet timing, fleet cost), the server under test of a direct run at fleet scale. */
    URI startSim(String model, int tokens, long delayMs) throws IOException, InterruptedException {
        var cmd = jvm(SERVER_CPU, settings.toolXmx(), "-cp", settings.benchClasspath(), "dev.idleclaw.bench.Bench", "ollama-sim",
                "--port", "0", "--model", model, "--tokens", Integer.toString(tokens), "--delay-ms", Long.toString(delayMs));
        return listening(start("sim", cmd));
    }

    /** The real node agent ({@code idleclaw contribute}) in front of {@code ollama}; waits until the hub lists it. */
    void startNode(URI hub, URI ollama, int slots) throws IOException, InterruptedException {
        start("node", nodeCommand(hub, ollama, slots));
        if (Health.awaitNodes(hub, 1, START_TIMEOUT) < 0) throw new IllegalStateException("the node agent did not register; see " + settings.workDir().resolve("node.log"));
    }

    /**
     * {@code count} real node agents in front of {@code ollama}, named {@code node-1} to {@code node-<count>}; waits
     * until the hub lists them all and returns their names. {@code signing}: each proves its own key (an identity file
     * in the work directory) and signs a receipt for every answer, which the hub checks and records; else anonymous.
     */
    List<String> startNodes(URI hub, URI ollama, int count, int slots, boolean signing) throws IOException, InterruptedException {
        var names = new ArrayList<String>();
        for (int i = 1; i <= count; i++) {
            String name = NODE_PREFIX + i;
            names.add(name);
            var cmd = nodeCommand(hub, ollama, slots);
            if (signing) cmd.set(cmd.indexOf("--anonymous"), "--identity=" + settings.workDir().resolve(name + "-identity.json"));
            start(name, cmd);
        }
        if (Health.awaitNodes(hub, count, START_TIMEOUT) < 0) {
            throw new IllegalStateException("not all " + count + " node agents registered; see " + settings.workDir().resolve(NODE_PREFIX + "*.log"));
        }
        return names;
    }

    private List<String> nodeCommand(URI hub, URI ollama, int slots) {
        // Anonymous: S1 isolates the relay; receipt signing and verification are measured by S2 --receipts. (It also
        // keeps the harness from creating an identity in the user's home directory.)
        return jvm(TOOLS_CPU, "256m", "-jar", settings.productJar().toString(), "contribute", "--anonymous", "--server", hub.toString(),
                "--ollama", ollama.toString(), "--max-concurrent", Integer.toString(slots));
    }

    /**
     * S8's fleet ({@code TrustFleetProcess}): honest and lying stand-ins behind real node agents with their own keys, in
     * one process on the tools CPU; returns once it printed every member (the lines before its ready line).
     */
    List<String> startTrustFleet(URI hub, Path counts, int honest, long paceMs, long sizeBytes, int slots)
            throws IOException, InterruptedException {
        var cmd = jvm(TOOLS_CPU, settings.toolXmx(), "-cp", settings.benchClasspath(), "dev.idleclaw.bench.trust.TrustFleetProcess",
                hub.toString(), counts.toString(), Integer.toString(honest), Long.toString(paceMs), Long.toString(sizeBytes),
                Integer.toString(slots));
        Child c = start("fleet", cmd);
        var members = new java.util.LinkedHashSet<String>(); // the wait re-reads earlier lines
        c.awaitLine(l -> {
            if (l.startsWith("member ")) members.add(l.substring("member ".length()));
            return l.equals(dev.idleclaw.bench.trust.TrustFleetProcess.READY);
        }, START_TIMEOUT);
        return List.copyOf(members);
    }

    /** The simulated fleet as its own process (it prints its own progress; the hub's count is the truth). */
    Child startFleet(Fleet.Options o) throws IOException {
        var hubs = o.hubs().stream().map(URI::toString).collect(Collectors.joining(","));
        var cmd = jvm(TOOLS_CPU, settings.toolXmx(), "-cp", settings.benchClasspath(), "dev.idleclaw.bench.Bench", "fleet",
                "--hub", hubs, "--nodes", Integer.toString(o.nodes()), "--slots", Integer.toString(o.slots()),
                "--tokens", Integer.toString(o.tokens()), "--delay-ms", Long.toString(o.delayMillis()), "--model", o.model(),
                "--heartbeat-s", Integer.toString(o.heartbeatSeconds()), "--connect-rate", Integer.toString(o.connectRate()));
        if (o.auth()) cmd.add("--auth");
        if (o.loopbackSources()) cmd.add("--loopback-sources");
        if (o.reconnect()) cmd.add("--reconnect");
        return start("fleet", cmd);
    }

    /**
     * Samples a process started elsewhere (an external hub given by its PID) under {@code name}, as if it were one of
     * ours; {@link #stop} and {@link #close} only stop sampling it, never the process.
     */
    void adopt(String name, long pid) {
        if (ProcessHandle.of(pid).isEmpty()) throw new IllegalArgumentException("no process with PID " + pid);
        adopted.put(name, pid);
        sampler.watch(name, pid);
    }

    /** Kills {@code name} at once (SIGKILL: no drain, no goodbye to Redis, as a crash) and stops sampling it. */
    void kill(String name) throws InterruptedException {
        Child c = running.remove(name);
        if (c == null) throw new IllegalArgumentException("no process " + name);
        sampler.forget(name);
        c.kill();
    }

    /** Stops {@code name} (SIGTERM, then SIGKILL) and stops sampling it; an adopted process is only no longer sampled. */
    void stop(String name) throws InterruptedException {
        if (adopted.remove(name) != null) sampler.forget(name);
        Child c = running.remove(name);
        if (c == null) return;
        sampler.forget(name);
        c.close();
    }

    /**
     * Runs the load generator as a process on the tools CPU and returns its figures plus every watched process's
     * usage during the measured phase (snapshots when the load says it starts measuring and when it reports).
     */
    Measured load(URI url, Door door, int concurrency, long requests, double seconds, String model, int warmup)
            throws IOException, InterruptedException {
        return load(url, door, concurrency, requests, seconds, model, warmup, 0);
    }

    /** {@link #load} with agent-sized bodies of {@code agentBytes} (0 = one short user message, as every other scenario). */
    Measured load(URI url, Door door, int concurrency, long requests, double seconds, String model, int warmup, int agentBytes)
            throws IOException, InterruptedException {
        var cmd = jvm(TOOLS_CPU, settings.toolXmx(), "-cp", settings.benchClasspath(), "dev.idleclaw.bench.Bench", "load",
                "--url", url.toString(), "--door", door.label(), "--concurrency", Integer.toString(concurrency),
                "--model", model, "--warmup-requests", Integer.toString(warmup), "--agent-bytes", Integer.toString(agentBytes));
        if (requests > 0) cmd.addAll(List.of("--requests", Long.toString(requests)));
        else cmd.addAll(List.of("--seconds", Double.toString(seconds)));
        Child load = start("load", cmd);
        try {
            Duration limit = Duration.ofSeconds(600 + (long) seconds * 2 + requests / 10);
            return measure(load, limit, () -> { });
        } finally {
            stop("load");
        }
    }

    /** Something a scenario does while a load is measured (S10: kill a hub and watch the nodes come back). */
    interface During {
        void run() throws Exception;
    }

    /** A spread load's figures and its timeline. */
    record Spread(Measured measured, Timeline timeline) {}

    /**
     * The load generator with its consumers spread over {@code urls} (consumer i at URL i mod n), refused connections
     * moving to the next URL, and a timeline; {@code during} runs once the measured window opened.
     */
    Spread loadSpread(List<URI> urls, Door door, int concurrency, double seconds, String model, int warmup, During during)
            throws Exception {
        var cmd = jvm(TOOLS_CPU, settings.toolXmx(), "-cp", settings.benchClasspath(), "dev.idleclaw.bench.Bench", "load",
                "--url", urls.stream().map(URI::toString).collect(Collectors.joining(",")), "--failover", "--timeline",
                "--door", door.label(), "--concurrency", Integer.toString(concurrency), "--model", model,
                "--warmup-requests", Integer.toString(warmup), "--seconds", Double.toString(seconds));
        Child load = start("load", cmd);
        try {
            Measured m = measure(load, Duration.ofSeconds(600 + (long) seconds * 2), during);
            String line = load.awaitLine(l -> l.startsWith(LoadCommand.TIMELINE_PREFIX), Duration.ofSeconds(5));
            return new Spread(m, Json.read(line.substring(LoadCommand.TIMELINE_PREFIX.length()), Timeline.class));
        } finally {
            stop("load");
        }
    }

    /** Snapshots every process as the load's window opens, runs {@code during}, and again when the load reports. */
    private Measured measure(Child load, Duration limit, During during) throws InterruptedException {
        load.awaitLine(LoadCommand.MEASURE_MARK::equals, limit);
        var from = snapshot();
        var machineFrom = ProcFs.machine();
        long fromNanos = System.nanoTime(), ownFrom = ProcFs.ownCpuNanos();
        try {
            during.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String result = load.awaitLine(l -> l.startsWith(LoadCommand.RESULT_PREFIX), limit);
        var to = snapshot();
        var machineTo = ProcFs.machine();
        long ownCpu = ProcFs.ownCpuNanos() - ownFrom;
        var usage = new LinkedHashMap<String, Usage>();
        from.forEach((name, s) -> {
            if (to.containsKey(name)) usage.put(name, Usage.between(s, to.get(name), sampler.peakRss(name, fromNanos, System.nanoTime())));
        });
        usage.put(OTHERS, others(machineFrom, machineTo, usage, ownCpu));
        LoadSummary summary = Json.read(result.substring(LoadCommand.RESULT_PREFIX.length()), LoadSummary.class);
        return new Measured(summary, usage);
    }

    /**
     * What the rest of the machine used while a load ran: every CPU's busy time minus our processes and this
     * orchestrator. Other work on a 2-core machine (a build, another benchmark) shows up here, not in the figures.
     */
    private static Usage others(ProcSample from, ProcSample to, Map<String, Usage> ours, long orchestratorNanos) {
        double seconds = to.cpuSecondsSince(from) - orchestratorNanos / 1e9;
        for (Usage u : ours.values()) seconds -= u.cpuSeconds();
        double wall = (to.atNanos() - from.atNanos()) / 1e9;
        double rest = Math.max(0, seconds);
        return new Usage(rest, wall <= 0 ? 0 : 100 * rest / wall, 0, 0);
    }

    /** An unrecorded load, so that the hub has compiled its hot paths before anything is measured. */
    void warm(URI url, Door door, int concurrency, double seconds, String model) throws IOException, InterruptedException {
        if (seconds > 0) load(url, door, concurrency, 0, seconds, model, 0);
    }

    /** A reading of every running process now. */
    Map<String, ProcSample> snapshot() {
        var m = new LinkedHashMap<String, ProcSample>();
        for (String name : running.keySet()) m.put(name, sampler.now(name));
        for (String name : adopted.keySet()) m.put(name, sampler.now(name));
        return m;
    }

    private Child start(String name, List<String> cmd) throws IOException {
        return start(name, cmd, Map.of());
    }

    private Child start(String name, List<String> cmd, Map<String, String> env) throws IOException {
        Child c = Child.start(name, cmd, env, settings.workDir());
        running.put(name, c);
        sampler.watch(name, c.pid());
        return c;
    }

    private static URI listening(Child c) throws InterruptedException {
        String line = c.awaitLine(l -> LISTENING.matcher(l).find(), START_TIMEOUT);
        var m = LISTENING.matcher(line);
        if (!m.find()) throw new IllegalStateException("unreachable");
        return URI.create(m.group(1));
    }

    private List<String> jvm(int cpu, String xmx, String... rest) {
        var cmd = new ArrayList<>(settings.pin() ? Pinning.prefix(cpu) : List.<String>of());
        cmd.addAll(List.of(java, "-Xmx" + xmx, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(rest));
        return cmd;
    }

    /** True when the processes are pinned as designed. */
    boolean pinned() {
        return settings.pin() && Pinning.available(TOOLS_CPU);
    }

    @Override
    public void close() throws InterruptedException {
        for (String name : new ArrayList<>(running.keySet()).reversed()) stop(name);
        for (String name : new ArrayList<>(adopted.keySet())) stop(name);
        sampler.close();
    }
}

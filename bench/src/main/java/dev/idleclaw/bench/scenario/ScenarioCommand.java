package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.load.AgentBody;
import dev.idleclaw.bench.load.Door;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scenario S1..S10}: starts the hub, stand-in, node agent or fleet and load generator as separate pinned
 * processes, runs the load through the hub and then directly against the stand-in, and prints the figures.
 * Every size below overrides the scenario's own (full or {@code --quick}) value.
 */
@Command(name = "scenario", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a benchmark scenario (S1 relay overhead, S2 concurrency, S3 idle fleet, S4 dialects, S5 soak,"
                + " S6 agent-sized requests, S7 realistic fleet: 20 × 10 slots, 100 consumers, then sequential TTFT; S8 trust fleet: honest and lying nodes,"
                + " verification off / default / accelerated; S9 cross-hub relay: two hubs in a cluster, fleet on one, consumers on the other;"
                + " S10 failover under load: three hubs, one killed mid-run; also"
                + " against an external hub such as the original Python server with --hub-url and --hub-pid).")
public final class ScenarioCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "S1 | S2 | S3 | S4 | S5 | S6 | S7 | S8 | S9 | S10")
    String scenario;
    @Option(names = "--quick", description = "Shrink everything so the scenario finishes in seconds (smoke test).")
    boolean quick;
    @Option(names = "--jar", description = "The product jar (default: idleclaw/target/idleclaw.jar under the project).")
    Path jar;
    @Option(names = "--bench-classpath", description = "Class path for the fleet, load and stand-in processes (default: this JVM's).")
    String benchClasspath;
    @Option(names = "--work-dir", description = "Logs and hub data (default: a new temporary directory).")
    Path workDir;
    @Option(names = "--door", converter = DoorConverter.class,
            description = "Front door for S1, S2, S5, S6 and S7: idleclaw | ollama | openai (S6: not idleclaw; default: ollama, the same"
                    + " dialect as the direct run; S7: idleclaw, the door the original Python server serves too).")
    Door door;
    @Option(names = "--model", defaultValue = "llama3.2", description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--nodes", description = "Fleet nodes (S2–S5, S9, S10).")
    Integer nodes;
    @Option(names = "--slots", description = "Slots per fleet node (S2, S4, S5, S9, S10).")
    Integer slots;
    @Option(names = "--tokens", description = "Tokens per answer.")
    Integer tokens;
    @Option(names = "--delay-ms", description = "Delay per token, ms.")
    Long delayMs;
    @Option(names = "--consumers", split = ",", description = "Concurrent consumers, comma-separated levels (S2), or one level (S1, S4, S5, S6).")
    List<Integer> consumers;
    @Option(names = "--requests", description = "Measured requests per run (S1; S7's sequential phase).")
    Long requests;
    @Option(names = "--seconds", description = "Measured seconds per run (S2, S4, S5, S6, S7, S9; S10: the whole run).")
    Double seconds;
    @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379", description = "S9 and S10: the Redis store the cluster's"
            + " hubs share (each run uses a key prefix of its own) (default: ${DEFAULT-VALUE}).")
    java.net.URI redis;
    @Option(names = "--kill-after", description = "S10: seconds into the measured run when one hub is killed (full: 20, quick: 3).")
    Double killAfter;
    @Option(names = "--idle-seconds", description = "Idle measurement window (S3).")
    Integer idleSeconds;
    @Option(names = "--connect-rate", defaultValue = "0", description = "Fleet connections per second, 0 = storm (default: ${DEFAULT-VALUE}).")
    int connectRate;
    @Option(names = "--no-direct", description = "Skip the direct (no hub) baseline runs.")
    boolean noDirect;
    @Option(names = "--direct", description = "Direct baseline server for S2, S4, S5: sim (the fleet's timing and cost, default)"
            + " or standin (the test kit's, which saturates one core near 23,000 tokens/s). S1 always uses the stand-in.")
    String direct;
    @Option(names = "--receipts", description = "S2 and S6: the fleet (S6: the node agents) authenticates and signs a receipt for every"
            + " request; the hub verifies and records each in its ledger (S2: every level checks receipts accepted = requests answered).")
    boolean receipts;
    @Option(names = "--body-bytes", description = "S6 only: size of each agent-sized request body in bytes (default: "
            + AgentBody.DEFAULT_BYTES + ").")
    Integer bodyBytes;
    @Option(names = "--hub-url", description = "S7 only: run against this already-running hub (e.g. the original Python server,"
            + " http://127.0.0.1:8000) instead of starting ours; it must listen on loopback and serve the chosen door.")
    java.net.URI hubUrl;
    @Option(names = "--hub-pid", description = "S7 with --hub-url: the external hub's PID, sampled for its CPU and RSS (without it,"
            + " hub CPU is not measured).")
    Long hubPid;
    @Option(names = "--seq-delay-ms", defaultValue = "0", description = "S7: per-token delay of the fleet in the sequential phase"
            + " (default: ${DEFAULT-VALUE}: the first token leaves the node at once, so TTFT is the hub's and the wire's own).")
    long seqDelayMs;
    @Option(names = "--dashboards", defaultValue = "0", description = "S2 only: keep this many dashboard streams "
            + "(GET /api/stats/stream) open on the hub during the measured levels (default: ${DEFAULT-VALUE}).")
    int dashboards;
    @Option(names = "--no-pin", description = "Do not pin processes to CPUs (taskset).")
    boolean noPin;
    @Option(names = "--hub-xmx", defaultValue = "512m", description = "Hub heap limit (default: ${DEFAULT-VALUE}).")
    String hubXmx;
    @Option(names = "--hub-log-level", defaultValue = "INFO",
            description = "The hub's log level (IDLECLAW_LOG_LEVEL); INFO logs every node registration (default: ${DEFAULT-VALUE}).")
    String hubLogLevel;
    @Option(names = "--tool-xmx", defaultValue = "512m", description = "Fleet and load generator heap limit (default: ${DEFAULT-VALUE}).")
    String toolXmx;

    static final class DoorConverter implements picocli.CommandLine.ITypeConverter<Door> {
        @Override
        public Door convert(String value) {
            return Door.of(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10").contains(scenario.toUpperCase())) {
            System.err.println("scenario: unknown scenario '" + scenario + "' (S1..S10)");
            return 2;
        }
        if (killAfter != null && !scenario.equalsIgnoreCase("S10")) {
            System.err.println("scenario: --kill-after applies to S10 only");
            return 2;
        }
        boolean s7 = scenario.equalsIgnoreCase("S7");
        if ((hubUrl != null || hubPid != null) && !s7) {
            System.err.println("scenario: --hub-url and --hub-pid apply to S7 only");
            return 2;
        }
        if (hubPid != null && hubUrl == null) {
            System.err.println("scenario: --hub-pid needs --hub-url");
            return 2;
        }
        if (hubUrl != null && jar != null) {
            System.err.println("scenario: --jar starts our hub; --hub-url uses one already running: pick one");
            return 2;
        }
        if (bodyBytes != null && !scenario.equalsIgnoreCase("S6")) {
            System.err.println("scenario: --body-bytes applies to S6 only");
            return 2;
        }
        if (receipts && !List.of("S2", "S6").contains(scenario.toUpperCase())) {
            System.err.println("scenario: --receipts applies to S2 and S6 only");
            return 2;
        }
        if (dashboards != 0 && !scenario.equalsIgnoreCase("S2")) {
            System.err.println("scenario: --dashboards applies to S2 only");
            return 2;
        }
        if (dashboards < 0) {
            System.err.println("scenario: --dashboards must be 0 or more");
            return 2;
        }
        Path product = productJar();
        if (hubUrl == null && !Files.isRegularFile(product)) {
            System.err.println("scenario: no product jar at " + product + " (build it: ./mvnw -pl testkit,idleclaw -DskipTests package, or pass --jar)");
            return 2;
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("idleclaw-bench-");
        String cp = benchClasspath != null ? benchClasspath : System.getProperty("java.class.path");
        var settings = new Cluster.Settings(product.toAbsolutePath(), cp, work, hubXmx, toolXmx, !noPin, hubLogLevel);
        try (var cluster = new Cluster(settings)) {
            var report = new Report(System.out, scenario.toUpperCase(), quick, cluster.pinned());
            System.out.printf("scenario %s%s: logs in %s; %s%n", scenario.toUpperCase(), quick ? " (quick)" : "", work,
                    cluster.pinned() ? "the hub (or the stand-in in direct runs) pinned to CPU 0; load, fleet, node agent and its stand-in to CPU 1"
                            : "NOT pinned (--no-pin, taskset missing or fewer than 2 CPUs): the processes share every CPU");
            switch (scenario.toUpperCase()) {
                case "S1" -> new RelayOverhead(this, cluster, report).run();
                case "S2" -> new Concurrency(this, cluster, report).run();
                case "S3" -> new IdleFleet(this, cluster, report).run();
                case "S4" -> new Dialects(this, cluster, report).run();
                case "S5" -> new Soak(this, cluster, report).run();
                case "S6" -> new AgentRequests(this, cluster, report).run();
                case "S7" -> new RealisticFleet(this, cluster, report).run();
                case "S8" -> new TrustFleetScenario(this, cluster, report).run();
                case "S9" -> new CrossHubRelay(this, cluster, report).run();
                case "S10" -> new Failover(this, cluster, report).run();
                default -> throw new IllegalStateException("checked above");
            }
            report.finish();
        }
        return 0;
    }

    /** The hub jar: {@code --jar}, else the project's. */
    Path productJar() {
        return jar != null ? jar : defaultJar();
    }

    /** {@code <project>/idleclaw/target/idleclaw.jar}; the launcher passes the project as {@code idleclaw.home}. */
    private static Path defaultJar() {
        String home = System.getProperty("idleclaw.home", ".");
        return Path.of(home, "idleclaw", "target", "idleclaw.jar");
    }

    int pick(Integer override, int full, int quickValue) {
        return override != null ? override : quick ? quickValue : full;
    }

    long pick(Long override, long full, long quickValue) {
        return override != null ? override : quick ? quickValue : full;
    }

    double pick(Double override, double full, double quickValue) {
        return override != null ? override : quick ? quickValue : full;
    }

    List<Integer> levels(Integer[] full, Integer[] quickValue) {
        return consumers != null && !consumers.isEmpty() ? consumers : Arrays.asList(quick ? quickValue : full);
    }

    /** True when fleet scenarios take their direct baseline from the test kit's stand-in rather than the sim. */
    boolean directStandIn() {
        if (direct == null || direct.equalsIgnoreCase("sim")) return false;
        if (direct.equalsIgnoreCase("standin")) return true;
        throw new IllegalArgumentException("--direct must be sim or standin, got " + direct);
    }

    /** S6's agent-sized body in bytes. */
    int bodyBytes() {
        return bodyBytes != null ? bodyBytes : AgentBody.DEFAULT_BYTES;
    }

    Door door() {
        return door != null ? door : Door.OLLAMA;
    }
}

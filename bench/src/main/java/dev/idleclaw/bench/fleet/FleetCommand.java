package dev.idleclaw.bench.fleet;

import dev.idleclaw.bench.Json;
import dev.idleclaw.bench.proc.ProcFs;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet}: N simulated nodes in this JVM, until killed (or {@code --duration-s}). */
@Command(name = "fleet", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulated node fleet: N node WebSockets that stream T tokens at D ms each, no Ollama behind them.")
public final class FleetCommand implements Callable<Integer> {
    /** Printed with the final counters (JSON) when the fleet stops. */
    public static final String RESULT_PREFIX = "FLEET-RESULT ";
    /** How quickly "fleet ready" follows the last registration. */
    private static final long READY_POLL_MILLIS = 100;

    @Option(names = "--hub", required = true, split = ",", description = "Hub: http://host:port (or ws://host:port/ws/node);"
            + " several, comma-separated: node i dials hub i mod their number.")
    java.util.List<String> hub;
    @Option(names = "--nodes", defaultValue = "100", description = "Node connections (default: ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--slots", defaultValue = "10", description = "max_concurrent per node, 1..10 (default: ${DEFAULT-VALUE}).")
    int slots;
    @Option(names = "--tokens", defaultValue = "100", description = "Content chunks per answer (default: ${DEFAULT-VALUE}).")
    int tokens;
    @Option(names = "--delay-ms", defaultValue = "20", description = "Delay before each token, ms (default: ${DEFAULT-VALUE}).")
    long delayMs;
    @Option(names = "--model", defaultValue = "llama3.2", description = "The one model every node serves (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--heartbeat-s", defaultValue = "15", description = "Heartbeat interval per node, s (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;
    @Option(names = "--connect-rate", defaultValue = "0", description = "New connections per second, 0 = a storm (default: ${DEFAULT-VALUE}).")
    int connectRate;
    @Option(names = "--auth", description = "Every node gets its own Ed25519 key, authenticates to the hub and signs a receipt"
            + " for every request it completes (the hub verifies and records each one in its ledger).")
    boolean auth;
    @Option(names = "--loopback-sources", description = "Each node connects from its own loopback address (127.0.0.2, 127.0.0.3, …),"
            + " as real nodes come from their own hosts; the hub must listen on loopback.")
    boolean loopbackSources;
    @Option(names = "--reconnect", description = "A node whose connection ends comes back as the real node agent does: after its"
            + " backoff (min(2^n, 60) + U(0,1) s), with a fresh node_id, at the next hub of --hub (as a balancer would route it).")
    boolean reconnect;
    @Option(names = "--status-every-s", defaultValue = "5", description = "Status line period, s (default: ${DEFAULT-VALUE}).")
    int statusEvery;
    @Option(names = "--duration-s", defaultValue = "0", description = "Stop after this long, 0 = run until killed (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (model.contains("\"") || model.contains("\\")) throw new IllegalArgumentException("--model must not contain quotes or backslashes");
        if (slots < 1 || slots > 10) throw new IllegalArgumentException("--slots must be 1..10");
        var hubs = hub.stream().map(FleetCommand::wsUrl).toList();
        var options = new Fleet.Options(hubs.getFirst(), nodes, slots, tokens, delayMs, model, heartbeatSeconds, connectRate, auth,
                loopbackSources, hubs, reconnect);
        System.out.printf("fleet: connecting %d %snode(s) to %s (%d slots, %d tokens at %d ms)%s%n", nodes, auth ? "authenticated " : "",
                options.hubs(), slots, tokens, delayMs, reconnect ? ", reconnecting" : "");
        var fleet = new Fleet(options);
        var stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            report(fleet.status(), RESULT_PREFIX);
            fleet.close();
        }, "fleet-stop"));
        long cpu0 = ProcFs.ownCpuNanos(), t0 = System.nanoTime();
        Thread.ofPlatform().daemon().name("fleet-status").start(() -> statusLoop(fleet, stop, cpu0, t0));
        fleet.connectAll();
        if (durationSeconds > 0) stop.await(durationSeconds, TimeUnit.SECONDS);
        else stop.await();
        return 0;
    }

    /** Prints "fleet ready" once every node is registered, and a status line every {@code --status-every-s}. */
    private void statusLoop(Fleet fleet, CountDownLatch stop, long cpu0, long t0) {
        long period = TimeUnit.SECONDS.toNanos(statusEvery), next = t0 + period, lastCpu = cpu0, lastT = t0;
        boolean ready = false;
        try {
            while (!stop.await(READY_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                var s = fleet.status();
                if (!ready && s.readyMillis() >= 0) {
                    System.out.printf("fleet ready: %d/%d registered in %d ms%n", s.registered(), s.nodes(), s.readyMillis());
                    ready = true;
                }
                long t = System.nanoTime();
                if (t - next < 0) continue;
                next += period;
                long cpu = ProcFs.ownCpuNanos();
                var rt = Runtime.getRuntime();
                System.out.printf("fleet status: connected=%d registered=%d closed=%d failed=%d reconnects=%d requests=%d chunks=%d streaming=%d%s cpu=%.1f%% heap=%dMB%s%n",
                        s.connected(), s.registered(), s.closed(), s.failed(), s.reconnects(), s.requests(), s.chunks(), s.streaming(),
                        auth ? " receipts=" + s.receipts() : "",
                        100.0 * (cpu - lastCpu) / Math.max(1, t - lastT), (rt.totalMemory() - rt.freeMemory()) >> 20,
                        s.reasons().isEmpty() ? "" : " reasons=" + s.reasons());
                lastCpu = cpu;
                lastT = t;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(Fleet.Status s, String prefix) {
        System.out.println(prefix + Json.write(s));
        System.out.flush();
    }

    /** {@code http://h:p} → {@code ws://h:p/ws/node}; a ws URL with a path is used as given. No TLS: a benchmark tool. */
    static URI wsUrl(String hub) {
        String url = hub.strip();
        if (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (url.startsWith("https://") || url.startsWith("wss://")) throw new IllegalArgumentException("--hub: the fleet speaks plain ws:// only");
        if (url.startsWith("http://")) url = "ws://" + url.substring(7);
        var uri = URI.create(url);
        return uri.getPath() == null || uri.getPath().isEmpty() ? URI.create(url + "/ws/node") : uri;
    }
}

package dev.idleclaw.bench.fleet;

import dev.idleclaw.bench.nio.Loop;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * N simulated nodes in one JVM on ONE thread: a {@link Loop} (selector + timers) runs every socket, the
 * WebSocket framing, the token timers and the heartbeats. About 5 µs of CPU per streamed token at 48,000 tokens/s
 * (one JDK WebSocket per node cost ~20 µs), so the fleet is not what limits a benchmark.
 */
public final class Fleet implements AutoCloseable {
    /** Handshakes in flight at once: a storm, yet bounded so thousands of connects do not time out together. */
    private static final int MAX_PENDING_HANDSHAKES = 256;
    /** A handshake slower than this counts as a failed connection. */
    private static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Heartbeats go out in this many slices per interval, so 10,000 nodes do not beat in one burst. */
    private static final int HEARTBEAT_SLICES = 15;
    /** Distinct close reasons kept for the report (the first ones show what went wrong). */
    private static final int KEPT_REASONS = 8;
    /** How long closing waits for the close frames to leave. */
    private static final long CLOSE_GRACE_MILLIS = 500;
    /** The real node agent's reconnect formula, min(2^n, 60) + U(0,1) s (idleclaw-wire.md §9), for {@code reconnect}. */
    private static final Duration BACKOFF_UNIT = dev.idleclaw.node.NodeTimings.BACKOFF_UNIT, BACKOFF_CAP = dev.idleclaw.node.NodeTimings.BACKOFF_CAP;

    /**
     * What the fleet is asked to be. {@code auth}: every node gets its own Ed25519 key, proves it at registration
     * and signs a receipt for every request it completes. {@code loopbackSources}: node i connects from its own
     * loopback address ({@link #loopbackSource}), as real nodes come from their own hosts (the original Python
     * server replaces a node that registers from the same IP with the same models); only for a hub on loopback.
     * {@code hubs}: every hub, {@code hub} first; node i dials hub {@code i mod hubs}. {@code reconnect}: a node whose
     * connection ends (or fails) comes back as the real node agent does, after the agent's own backoff and with a fresh
     * {@code node_id}, dialling the next hub of the list, as a balancer in front of the hubs would send it to a live one.
     */
    public record Options(URI hub, int nodes, int slots, int tokens, long delayMillis, String model,
                          int heartbeatSeconds, int connectRate, boolean auth, boolean loopbackSources, List<URI> hubs,
                          boolean reconnect) {
        public Options {
            hubs = hubs == null || hubs.isEmpty() ? List.of(hub) : List.copyOf(hubs);
            if (!hubs.getFirst().equals(hub)) throw new IllegalArgumentException("hubs must start with hub");
        }

        /** One hub, no reconnection. */
        public Options(URI hub, int nodes, int slots, int tokens, long delayMillis, String model, int heartbeatSeconds, int connectRate,
                       boolean auth, boolean loopbackSources) {
            this(hub, nodes, slots, tokens, delayMillis, model, heartbeatSeconds, connectRate, auth, loopbackSources, List.of(), false);
        }

        /** Every node from the one default source address. */
        public Options(URI hub, int nodes, int slots, int tokens, long delayMillis, String model, int heartbeatSeconds, int connectRate,
                       boolean auth) {
            this(hub, nodes, slots, tokens, delayMillis, model, heartbeatSeconds, connectRate, auth, false);
        }

        /** Anonymous nodes (no key, no receipts). */
        public Options(URI hub, int nodes, int slots, int tokens, long delayMillis, String model, int heartbeatSeconds, int connectRate) {
            this(hub, nodes, slots, tokens, delayMillis, model, heartbeatSeconds, connectRate, false);
        }
    }

    /** Node {@code i}'s own source address in 127.0.0.0/8, from 127.0.0.2 on (127.0.0.1 stays the consumers'). */
    static InetSocketAddress loopbackSource(int i) {
        int k = i + 2;
        byte[] ip = {127, (byte) (k >>> 16), (byte) (k >>> 8), (byte) k};
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(ip), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /**
     * Fleet counters: {@code readyMillis} is how long until every node was registered (-1 = not yet);
     * {@code receipts} how many receipts the nodes signed (0 unless authenticated); {@code reasons} counts the
     * first distinct connect failures and close reasons; {@code reconnects} how many reconnections were dialled.
     */
    public record Status(int nodes, int connected, int registered, int closed, int failed, long requests, long chunks,
                         long cancelled, int streaming, long receipts, long readyMillis, Map<String, Long> reasons, int reconnects) {}

    private final Options options;
    private final String runId = Long.toHexString(System.nanoTime() & 0xffffffL);
    private final Loop loop = new Loop("fleet-loop");
    private final Streamer streamer;
    private final List<FleetNode> nodes = new ArrayList<>();
    private final Map<String, Long> reasons = new TreeMap<>();
    private final long startNanos = System.nanoTime();
    private final List<Target> targets = new ArrayList<>();
    /** Per logical node (index in {@link #nodes}): its backoff, only with {@code reconnect}. */
    private final List<dev.idleclaw.node.Backoff> backoffs = new ArrayList<>();
    private boolean closing;
    private volatile int connected, registered, closed, failed, reconnects;
    private volatile long readyNanos;
    private volatile Map<String, Long> reasonsView = Map.of();
    private int started, pending, heartbeatTick;

    public Fleet(Options options) {
        this.options = options;
        for (URI hub : options.hubs()) targets.add(Target.of(hub));
        this.streamer = new Streamer(loop, options.tokens(), options.delayMillis());
        long slice = Math.max(1, TimeUnit.SECONDS.toNanos(options.heartbeatSeconds()) / HEARTBEAT_SLICES);
        loop.execute(() -> heartbeats(slice));
    }

    /** Starts opening every connection (at {@code connectRate} per second, 0 = as fast as the handshake cap allows). */
    public void connectAll() {
        loop.execute(this::connectMore);
    }

    private void connectMore() {
        long gap = options.connectRate() > 0 ? TimeUnit.SECONDS.toNanos(1) / options.connectRate() : 0;
        while (started < options.nodes() && pending < MAX_PENDING_HANDSHAKES) {
            if (gap > 0 && System.nanoTime() - startNanos < started * gap) {
                loop.schedule(startNanos + started * gap - System.nanoTime(), this::connectMore);
                return;
            }
            var node = new FleetNode(this, loop, "bench-" + runId + "-" + started, options.auth() ? Signer.generate() : null);
            node.index = started;
            node.target = started % targets.size();
            nodes.add(node);
            backoffs.add(options.reconnect() ? new dev.idleclaw.node.Backoff(BACKOFF_UNIT, BACKOFF_CAP) : null);
            started++;
            pending++;
            dial(node);
        }
    }

    private void dial(FleetNode node) {
        Target t = targets.get(node.target);
        node.connect(options.loopbackSources() ? loopbackSource(node.index) : null, t.address(), t.host(), t.path());
        loop.schedule(HANDSHAKE_TIMEOUT_NANOS, () -> {
            if (node.handshaking()) node.lost("connect: no handshake within 30 s");
        });
    }

    /** A node that lost its connection comes back after its backoff, with a fresh id, at the next hub of the list. */
    private void reconnectLater(FleetNode old) {
        var delay = backoffs.get(old.index).next();
        loop.schedule(delay.toNanos(), () -> {
            if (closing || nodes.get(old.index) != old) return;
            var node = new FleetNode(this, loop, "bench-" + runId + "-" + old.index + "-" + (++reconnects), old.signer);
            node.index = old.index;
            node.target = (old.target + 1) % targets.size();
            node.retry = true;
            nodes.set(old.index, node);
            dial(node);
        });
    }

    /** One hub as the nodes dial it. */
    private record Target(InetSocketAddress address, String host, String path) {
        static Target of(URI hub) {
            int port = hub.getPort() > 0 ? hub.getPort() : 80;
            return new Target(new InetSocketAddress(hub.getHost(), port), hub.getHost() + ":" + port,
                    hub.getRawPath() == null || hub.getRawPath().isEmpty() ? "/ws/node" : hub.getRawPath());
        }
    }

    /** The node's {@code register}; {@code auth} is the auth object's JSON text of an authenticating node, else null. */
    byte[] registerFrame(String nodeId, String auth) {
        return Frames.register(nodeId, options.model(), options.slots(), auth);
    }

    void connected(FleetNode node) {
        connected++;
        if (node.retry) return;
        pending--;
        connectMore();
    }

    void message(FleetNode node, String text) {
        String type = Scan.stringField(text, "type");
        if (type == null) return;
        switch (type) {
            case "inference_request" -> request(node, text);
            case "cancel_request" -> streamer.cancel(Scan.stringField(text, "request_id"));
            case "auth_challenge" -> {
                String challenge = Scan.stringField(text, "challenge"), hubKey = Scan.stringField(text, "hub_key");
                if (node.signer == null || challenge == null || hubKey == null) node.lost("connect: unexpected or invalid auth_challenge");
                else node.send(registerFrame(node.nodeId, node.signer.auth(challenge, hubKey, node.nodeId)));
            }
            case "registered" -> {
                node.registered = true;
                if (options.reconnect()) backoffs.get(node.index).reset();
                if (++registered == options.nodes()) readyNanos = System.nanoTime();
            }
            default -> { } // unknown types are ignored, as the protocol says
        }
    }

    /**
     * Starts streaming an answer. Prompt tokens are a quarter of the prompt's characters (rounded up), so the final
     * chunk's {@code prompt_eval_count} never exceeds what the hub counts as the prompt. An authenticated node also
     * keeps the request's requester (absent = anonymous) and model for its receipt.
     */
    private void request(FleetNode node, String text) {
        long promptChars = Scan.stringValueChars(text, "content");
        int promptTokens = (int) Math.min(Integer.MAX_VALUE, (promptChars + 3) / 4);
        String requester = null, model = null;
        if (node.signer != null) {
            requester = Scan.stringField(text, "requester");
            model = Scan.stringField(text, "model");
        }
        streamer.start(node, Scan.stringField(text, "request_id"), promptTokens, requester, model);
    }

    void lost(FleetNode node, boolean wasOpen, String why) {
        if (wasOpen) {
            closed++;
        } else {
            failed++;
            if (!node.retry) {
                pending--;
                connectMore();
            }
        }
        if (options.reconnect() && !closing) reconnectLater(node);
        if (reasons.size() < KEPT_REASONS || reasons.containsKey(why)) {
            reasons.merge(why, 1L, Long::sum);
            reasonsView = Map.copyOf(reasons);
        }
    }

    private void heartbeats(long sliceNanos) {
        int slice = heartbeatTick++ % HEARTBEAT_SLICES;
        for (int i = slice; i < nodes.size(); i += HEARTBEAT_SLICES) {
            var n = nodes.get(i);
            if (n.registered && n.open()) n.send(Frames.heartbeat(n.nodeId, n.active));
        }
        loop.schedule(sliceNanos, () -> heartbeats(sliceNanos));
    }

    /** Counts so far (callable from any thread). */
    public Status status() {
        long ready = readyNanos;
        return new Status(options.nodes(), connected, registered, closed, failed, streamer.requests, streamer.chunks,
                streamer.cancelled, streamer.streaming, streamer.receipts, ready == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(ready - startNanos), reasonsView, reconnects);
    }

    /** Sends every node's close frame, waits briefly for them to leave, then stops the loop. */
    @Override
    public void close() {
        var sent = new CountDownLatch(1);
        loop.execute(() -> {
            closing = true;
            nodes.forEach(FleetNode::close);
            sent.countDown();
        });
        try {
            if (sent.await(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)) Thread.sleep(CLOSE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.close();
    }
}

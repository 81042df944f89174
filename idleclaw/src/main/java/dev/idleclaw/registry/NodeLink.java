package dev.idleclaw.registry;

import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.RequestSize;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend as the scheduler sees it (a node's WebSocket connection, a peer, or a worker's own Ollama; see
 * {@link Backend}). Everything the hub knows about a node hangs off this object, never off an id a message claims: registration, liveness, in-flight requests, load and reputation (the last two are
 * guarded by the {@link Scheduler}'s lock).
 */
public final class NodeLink {
    private static final Logger log = LoggerFactory.getLogger(NodeLink.class);
    private static final AtomicLong SERIAL = new AtomicLong();

    private final long serial = SERIAL.incrementAndGet();
    private final Backend backend;
    private final String ip;
    private final Instant connectedAt = Instant.now();
    private final ConcurrentHashMap<String, RelayStream> inflight = new ConcurrentHashMap<>();
    private volatile NodeMessage.Register registration;
    private volatile long lastHeartbeatNanos = System.nanoTime();
    private volatile long lastSeenNanos = System.nanoTime();
    /** When and in which round (from 1; 0 = never) {@link NodeSocket#pingAll} last pinged this link; its thread only. */
    private long pingedAtNanos, pingedRound;
    private volatile boolean available = true;
    private volatile boolean closed;
    private volatile String challenge;
    private volatile String pubkey;
    private final Served served = new Served();
    private final Suspicion suspicion = new Suspicion(this::flagged);
    /** This connection's standing: its key's shared one once registered, its own while anonymous (docs/trust.md). */
    private volatile Standing standing;

    // guarded by Scheduler.lock
    int active;

    /** A node agent on its WebSocket {@code session}, connected from {@code ip}. */
    public NodeLink(Session session, String ip) {
        this.backend = new NodeSocketBackend(session);
        this.ip = ip;
        this.standing = new Standing(null, false);
    }

    /** A peer as a scheduler backend: its key is authenticated by its signed capacity and receipts. */
    public NodeLink(PeerTransport peer, String host) {
        this.backend = peer;
        this.ip = host;
        this.pubkey = peer.pubkey();
        this.standing = new Standing(pubkey, true);
    }

    /**
     * Another hub of the cluster, under its hub key: exempt from probation, and never judged here (its nodes are its
     * own business, {@link Backend#clusterMember()}).
     */
    NodeLink(MemberTransport member, String host) {
        this.backend = member;
        this.ip = host;
        this.pubkey = member.hubKey();
        this.standing = new Standing(pubkey, true);
    }

    /** The worker's own Ollama in this process, registered under the worker's {@code key}. */
    NodeLink(LocalOllamaBackend local, String ip, String key) {
        this.backend = local;
        this.ip = ip;
        this.pubkey = key;
        this.standing = new Standing(key, true);
    }

    /** How this link reaches its backend. */
    public Backend backend() {
        return backend;
    }

    public String ip() {
        return ip;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /** This connection's standing (its fields are guarded by the scheduler's lock). */
    Standing standing() {
        return standing;
    }

    /** Shares {@code s}, the remembered standing of this connection's key (at registration, before it is routable). */
    void standing(Standing s) {
        standing = s;
    }

    private void flagged() {
        standing.flagged();
    }

    /** The suspicion flags raised against this connection (never against a claimed id). */
    public Suspicion suspicion() {
        return suspicion;
    }

    /** Size in bytes of {@code model} as registered, or 0 when this link does not serve it or gave no size. */
    public long modelSize(String model) {
        for (ModelInfo m : models()) if (m.name().equals(model)) return Math.max(0, m.size());
        return 0;
    }

    /** Registration data, or null before {@code register}. */
    public NodeMessage.Register registration() {
        return registration;
    }

    /** The key this connection proved at registration, or null for an anonymous node. */
    public String pubkey() {
        return pubkey;
    }

    public void authenticated(String key) {
        pubkey = key;
    }

    /** The one-time challenge sent to this connection, until its registration uses it up. */
    public String challenge() {
        return challenge;
    }

    public void challenge(String c) {
        challenge = c;
    }

    public String nodeId() {
        var r = registration;
        return r == null ? "unregistered-" + serial : r.nodeId();
    }

    /** An opaque, stable label for this connection's node, safe to show consumers (a hash of the node id). */
    public String label() {
        return "node-" + ModelCatalog.placeholderDigest(nodeId()).substring(0, 12);
    }

    public List<ModelInfo> models() {
        var r = registration;
        return r == null ? List.of() : r.models();
    }

    public boolean serves(String model) {
        for (ModelInfo m : models()) if (m.name().equals(model)) return true;
        return false;
    }

    /** What this node accepts per request: what it advertised, an original node's limits if nothing. */
    public NodeLimits limits() {
        var r = registration;
        return r == null ? NodeLimits.ORIGINAL : r.limits();
    }

    /** The context window this node reported for {@code model}, or null when it did not say. */
    public Integer contextLength(String model) {
        for (ModelInfo m : models()) if (m.name().equals(model)) return m.contextLength();
        return null;
    }

    /**
     * Why this node would not take a request of {@code size} for {@code model} (a limit it advertised, or a prompt
     * beyond the model's context window), or null when it would.
     */
    public String refusal(String model, RequestSize size) {
        String over = limits().refusal(size);
        if (over != null) return over;
        Integer context = contextLength(model);
        if (context != null && size.typicalTokens() > context) {
            return "a prompt of about " + size.typicalTokens() + " tokens (the model's context window is " + context + " tokens)";
        }
        return null;
    }

    /** Whether this node advertised {@code feature} at registration (original nodes advertise none). */
    public boolean advertises(String feature) {
        var r = registration;
        return r != null && r.serves(feature);
    }

    /** Whether this node's copy of {@code model} can think: node-reported capabilities, else the name rule. */
    public boolean canThink(String model) {
        for (ModelInfo m : models()) {
            if (!m.name().equals(model)) continue;
            if (m.capabilities() != null) return m.capabilities().contains("thinking");
        }
        return Capabilities.thinkingByName(model);
    }

    /**
     * Whether this node's copy of {@code model} calls tools natively: only when the node reported the model's
     * capabilities and they include {@code tools} (original nodes report none; they get tools as prompt text).
     */
    public boolean canCallTools(String model) {
        for (ModelInfo m : models()) {
            if (m.name().equals(model) && m.capabilities() != null) return m.capabilities().contains("tools");
        }
        return false;
    }

    /** Sets (or, for a cluster member on each directory refresh, replaces) what this link serves. */
    void registered(NodeMessage.Register r) {
        registration = r;
        lastHeartbeatNanos = System.nanoTime();
    }

    public void heartbeat(Boolean availableFlag) {
        lastHeartbeatNanos = System.nanoTime();
        if (availableFlag != null) available = availableFlag;
    }

    /** Any frame from the node (message or pong) proves the connection alive. */
    public void seen() {
        lastSeenNanos = System.nanoTime();
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    public long lastHeartbeatNanos() {
        return lastHeartbeatNanos;
    }

    boolean available() {
        return available && !closed;
    }

    public int activeRequests() {
        return inflight.size();
    }

    public void track(RelayStream s) {
        inflight.put(s.requestId(), s);
    }

    void untrack(RelayStream s) {
        inflight.remove(s.requestId(), s);
    }

    /** Routes a node event to the request it belongs to on this connection; unknown ids are ignored. */
    public boolean deliver(String requestId, RelayStream.Event e) {
        RelayStream s = inflight.get(requestId);
        if (s == null) return false;
        s.deliver(e);
        return true;
    }

    /** Routes a node's answer (chunk, embedding, error) to its request on this link; false when none has its id. */
    public boolean deliver(NodeMessage answer) {
        return switch (answer) {
            case NodeMessage.InferenceChunk c -> deliver(c.requestId(), new RelayStream.Chunk(c.chunk(), c.receipt()));
            case NodeMessage.EmbedResult r -> deliver(r.requestId(), new RelayStream.Embedded(r));
            case NodeMessage.InferenceError e -> deliver(e.requestId(), new RelayStream.NodeError(e.error()));
            case NodeMessage.Register _, NodeMessage.Heartbeat _, NodeMessage.Unknown _ -> false;
        };
    }

    /** Queues a message for the node; false when the link is closed or the backend cannot take it. */
    public boolean send(HubMessage m) {
        return !closed && backend.send(this, m);
    }

    /** Pings the node in ping round {@code round} that started at {@code nowNanos}: it awaits a pong from then on. */
    public void ping(long nowNanos, long round) {
        if (closed) return;
        pingedAtNanos = nowNanos;
        pingedRound = round;
        backend.ping();
    }

    /** True when this link was pinged and nothing (pong, message) has arrived since. */
    public boolean awaitingPong() {
        return pingedRound != 0 && lastSeenNanos - pingedAtNanos < 0;
    }

    /** The ping round of the last ping. */
    public long pingedRound() {
        return pingedRound;
    }

    /** Closes the connection; the close handler then removes the node. Safe to call more than once. */
    public void close(int code, String reason) {
        if (closed) return;
        closed = true;
        backend.close(this, code, reason);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Marks the link gone and tells every in-flight request. */
    public void disconnected() {
        closed = true;
        inflight.values().forEach(s -> s.deliver(new RelayStream.Disconnected()));
    }

    /** What this link has served and how its probes went, for the operator view. */
    public Served served() {
        return served;
    }

    /** The address operators see: a node's IP masked ({@code a.b.x.x}), a peer's host. */
    public String maskedIp() {
        return backend.shownAddress(ip);
    }

    @Override
    public String toString() {
        return "node " + nodeId() + " (" + maskedIp() + ")";
    }
}

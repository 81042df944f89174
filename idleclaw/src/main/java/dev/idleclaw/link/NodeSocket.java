package dev.idleclaw.link;

import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.config.NodeLinks;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.identity.Signatures;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.RelayStream;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.wire.ChunkScan;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws/node} endpoint: registration with its deadline and rules, heartbeats bound to the
 * connection, chunk and error routing to the requests this connection owns, and clean removal on close.
 */
public final class NodeSocket {
    private static final Logger log = LoggerFactory.getLogger(NodeSocket.class);
    /** Upgrade header with which a node asks to prove its key (docs/protocol.md "Node authentication"). */
    public static final String AUTH_HEADER = "X-IdleClaw-Auth";
    public static final String AUTH_SCHEME = "ed25519-v1";
    /** Clock skew tolerated on the node's signed timestamp (the challenge already makes it single-use). */
    static final long AUTH_SKEW_MILLIS = 300_000;

    private final NodeLinks config;
    /** The worker profile: only the hub's own key may register (a node agent of the worker itself). */
    private final boolean ownKeyOnly;
    private final NodeRegistry registry;
    private final ScheduledExecutorService timers;
    private final HubStats metrics;
    /** This socket's own node connections (peers are links too, but not this socket's to watch). */
    private final java.util.Set<NodeLink> links = ConcurrentHashMap.newKeySet();
    /** Set by {@link #closeAll}: a node dialling in while the hub stops is turned away, not registered on a hub about to vanish. */
    private volatile boolean closing;
    private final ConcurrentHashMap<NodeLink, ScheduledFuture<?>> registrationDeadlines = new ConcurrentHashMap<>();

    private final Identity hubIdentity;
    /** Ping rounds a pinged link has to answer: enough whole ping intervals to cover the pong deadline. */
    private final long answerRounds;
    /** Ping rounds so far; {@link #pingAll} runs on the one timer thread. */
    private long pingRound;

    public NodeSocket(NodeLinks config, boolean ownKeyOnly, NodeRegistry registry, ScheduledExecutorService timers, HubStats metrics, Identity hubIdentity) {
        this.config = config;
        this.ownKeyOnly = ownKeyOnly;
        this.hubIdentity = hubIdentity;
        this.registry = registry;
        this.timers = timers;
        this.metrics = metrics;
        long interval = config.pingInterval().toNanos();
        this.answerRounds = interval == 0 ? 1 : Math.max(1, -Math.floorDiv(-config.pongTimeout().toNanos(), interval));
    }

    /** A Jetty endpoint for one node connection from {@code ip}; Jetty calls it on its own threads. */
    public Object endpoint(String ip, boolean wantsAuth) {
        return new NodeEndpoint(this, ip, wantsAuth);
    }

    /** Every open connection, registered or not. */
    public Collection<NodeLink> connections() {
        return links;
    }

    /** A connection opened: start its registration deadline, and challenge it if it wants to authenticate. */
    NodeLink opened(Session session, String ip, boolean wantsAuth) {
        NodeLink link = new NodeLink(session, ip);
        links.add(link);
        if (closing) {
            // The node backs off and dials again, reaching a hub that is up (another behind a balancer, or this one restarted).
            link.close(1001, "server shutting down");
            return link;
        }
        if (wantsAuth) {
            link.challenge(Nonces.next());
            link.send(new HubMessage.AuthChallenge(link.challenge(), hubIdentity.publicKey()));
        }
        registrationDeadlines.put(link, timers.schedule(() -> {
            if (link.registration() == null) violation(link, new WireException(WireException.POLICY, "registration timeout"));
        }, config.registrationTimeout().toMillis(), TimeUnit.MILLISECONDS));
        return link;
    }

    void message(NodeLink link, String text) {
        if (link.isClosed()) return;
        try {
            var piece = link.registration() == null ? null : ChunkScan.piece(text);
            if (piece != null) {
                var chunk = new ChatChunk(piece.content(), piece.thinking(), java.util.List.of());
                if (!link.deliver(piece.requestId(), new RelayStream.Piece(chunk))) metrics.strayMessage();
                return;
            }
            NodeMessage m = WireCodec.decodeNode(text);
            if (link.registration() == null) {
                if (!(m instanceof NodeMessage.Register r)) throw new WireException(WireException.POLICY, "expected register message");
                register(link, r);
                return;
            }
            switch (m) {
                case NodeMessage.Register r -> throw new WireException(WireException.POLICY, "already registered");
                case NodeMessage.Heartbeat h -> {
                    if (h.nodeId() != null && !h.nodeId().equals(link.nodeId())) {
                        throw new WireException(WireException.POLICY, "heartbeat for another node");
                    }
                    link.heartbeat(h.available());
                }
                case NodeMessage.InferenceChunk _, NodeMessage.EmbedResult _, NodeMessage.InferenceError _ -> {
                    if (!link.deliver(m)) metrics.strayMessage();
                }
                case NodeMessage.Unknown u -> log.debug("ignoring message type '{}' from {}", u.type(), link);
            }
        } catch (WireException e) {
            violation(link, e);
        }
    }

    private void register(NodeLink link, NodeMessage.Register r) throws WireException {
        var deadline = registrationDeadlines.remove(link);
        if (deadline != null) deadline.cancel(false);
        String key = authenticate(link, r);
        if (ownKeyOnly && !hubIdentity.publicKey().equals(key)) {
            // A worker's receipts are signed with its own key: only a node proving that key may serve through it.
            log.info("worker refused node {} from {}: it does not prove the worker's key", r.nodeId(), link.maskedIp());
            throw new WireException(WireException.POLICY, "this worker serves only its own node");
        }
        link.authenticated(key);
        registry.register(link, r);
        link.send(new HubMessage.Registered(r.nodeId()));
    }

    /**
     * The key {@code r} proves for this connection's challenge, null for an anonymous (original IdleClaw) node.
     * The challenge is used up either way, so a captured registration is worthless on any other connection.
     */
    private String authenticate(NodeLink link, NodeMessage.Register r) throws WireException {
        String challenge = link.challenge();
        link.challenge(null);
        var auth = r.auth();
        if (challenge == null) {
            if (auth != null) throw new WireException(WireException.POLICY, "authentication without a challenge");
            return null;
        }
        if (auth == null) throw new WireException(WireException.POLICY, "authentication required");
        boolean fresh = Math.abs(System.currentTimeMillis() - auth.timestamp()) <= AUTH_SKEW_MILLIS;
        byte[] message = NodeMessage.NodeAuth.message(challenge, hubIdentity.publicKey(), r.nodeId(), auth.timestamp());
        if (!fresh || !Signatures.verify(auth.pubkey(), message, auth.signature())) {
            log.info("node {} from {} failed authentication ({})", r.nodeId(), link.maskedIp(), fresh ? "bad signature" : "stale timestamp");
            throw new WireException(WireException.POLICY, "authentication failed");
        }
        return auth.pubkey();
    }

    void violation(NodeLink link, WireException e) {
        if (link == null) return;
        metrics.linkError();
        log.info("closing {}: {} ({})", link, e.reason(), e.closeCode());
        link.close(e.closeCode(), e.reason());
    }

    void closed(NodeLink link, int code, String reason) {
        if (!links.remove(link)) return;
        var deadline = registrationDeadlines.remove(link);
        if (deadline != null) deadline.cancel(false);
        if (link.registration() != null) log.info("{} disconnected ({} {})", link, code, reason == null ? "" : reason);
        link.disconnected();
        registry.remove(link);
    }

    /**
     * One ping round (every ping interval): pings only the connections not heard from (pong, message, heartbeat)
     * within the last ping interval, and closes those that have sent nothing since their ping for the pong deadline
     * (counted in whole rounds). A node heart-beating more often than that is never pinged; a silent one is pinged once
     * silent for a ping interval and closed a pong deadline later, within the same span of silence as when every
     * link was pinged every round.
     */
    public void pingAll() {
        long round = ++pingRound;
        long quiet = config.pingInterval().toNanos();
        long now = System.nanoTime();
        for (NodeLink l : links) {
            if (l.awaitingPong()) {
                if (round - l.pingedRound() >= answerRounds) {
                    log.info("closing {}: no pong within {} ms", l, config.pongTimeout().toMillis());
                    l.close(1011, "ping timeout");
                }
            } else if (now - l.lastSeenNanos() >= quiet) {
                l.ping(now, round);
            }
        }
    }

    /**
     * Closes registered nodes on this endpoint whose last heartbeat is older than the heartbeat timeout. Only this
     * endpoint's own connections: peers in the registry never heartbeat, their liveness is their capacity and failures.
     */
    public void evictSilent() {
        long limit = config.heartbeatTimeout().toNanos();
        long now = System.nanoTime();
        for (NodeLink l : links) {
            if (l.registration() != null && now - l.lastHeartbeatNanos() > limit) {
                log.info("evicting {}: no heartbeat for {} s", l, config.heartbeatTimeout().toSeconds());
                l.close(1000, "heartbeat timeout");
            }
        }
    }

    /** Shutdown: every node link closed with 1001. */
    public void closeAll() {
        closing = true;
        links.forEach(l -> l.close(1001, "server shutting down"));
    }
}

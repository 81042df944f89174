package dev.idleclaw.hub;

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
final class NodeSocket {
    private static final Logger log = LoggerFactory.getLogger(NodeSocket.class);

    private final HubConfig config;
    private final NodeRegistry registry;
    private final ScheduledExecutorService timers;
    private final HubStats metrics;
    private final ConcurrentHashMap<Session, NodeLink> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeLink, ScheduledFuture<?>> registrationDeadlines = new ConcurrentHashMap<>();

    NodeSocket(HubConfig config, NodeRegistry registry, ScheduledExecutorService timers, HubStats metrics) {
        this.config = config;
        this.registry = registry;
        this.timers = timers;
        this.metrics = metrics;
    }

    /** A Jetty endpoint for one node connection from {@code ip}; Jetty calls it on its own threads. */
    Object endpoint(String ip) {
        return new NodeEndpoint(this, ip);
    }

    /** Every open connection, registered or not. */
    Collection<NodeLink> connections() {
        return links.values();
    }

    /** A connection opened: start its registration deadline. */
    NodeLink opened(Session session, String ip) {
        NodeLink link = new NodeLink(session, ip);
        links.put(session, link);
        registrationDeadlines.put(link, timers.schedule(() -> {
            if (link.registration() == null) violation(link, new WireException(WireException.POLICY, "registration timeout"));
        }, config.registrationTimeout().toMillis(), TimeUnit.MILLISECONDS));
        return link;
    }

    void message(NodeLink link, String text) {
        if (link.isClosed()) return;
        try {
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
                case NodeMessage.InferenceChunk c -> {
                    if (!link.deliver(c.requestId(), new RelayStream.Chunk(c.chunk()))) metrics.strayMessage();
                }
                case NodeMessage.InferenceError e -> {
                    if (!link.deliver(e.requestId(), new RelayStream.NodeError(e.error()))) metrics.strayMessage();
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
        registry.register(link, r);
        link.send(new dev.idleclaw.wire.HubMessage.Registered(r.nodeId()));
    }

    void violation(NodeLink link, WireException e) {
        if (link == null) return;
        metrics.linkError();
        log.info("closing {}: {} ({})", link, e.reason(), e.closeCode());
        link.close(e.closeCode(), e.reason());
    }

    void closed(NodeLink link, int code, String reason) {
        if (links.remove(link.session()) == null) return;
        var deadline = registrationDeadlines.remove(link);
        if (deadline != null) deadline.cancel(false);
        if (link.registration() != null) log.info("{} disconnected ({} {})", link, code, reason == null ? "" : reason);
        link.disconnected();
        registry.remove(link);
    }

    /**
     * Closes connections that have sent nothing (no pong, no message) for a ping interval plus the pong deadline,
     * then pings the rest.
     */
    void pingAll() {
        long limit = config.pingInterval().plus(config.pongTimeout()).toNanos();
        long now = System.nanoTime();
        for (NodeLink l : links.values()) {
            if (now - l.lastSeenNanos() > limit) {
                log.info("closing {}: no pong within {} ms", l, config.pongTimeout().toMillis());
                l.close(1011, "ping timeout");
            } else {
                l.ping();
            }
        }
    }

    /** Closes registered nodes whose last heartbeat is older than the heartbeat timeout. */
    void evictSilent() {
        long limit = config.heartbeatTimeout().toNanos();
        long now = System.nanoTime();
        for (NodeLink l : registry.registered()) {
            if (now - l.lastHeartbeatNanos() > limit) {
                log.info("evicting {}: no heartbeat for {} s", l, config.heartbeatTimeout().toSeconds());
                l.close(1000, "heartbeat timeout");
            }
        }
    }

    /** Shutdown: every node link closed with 1001. */
    void closeAll() {
        links.values().forEach(l -> l.close(1001, "server shutting down"));
    }
}

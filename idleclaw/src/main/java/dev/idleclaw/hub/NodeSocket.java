package dev.idleclaw.hub;

import dev.idleclaw.hub.web.ClientIp;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireException;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.net.InetSocketAddress;
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
    private final ClientIp clientIp;
    private final ScheduledExecutorService timers;
    private final HubStats metrics;
    private final ConcurrentHashMap<Session, NodeLink> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeLink, ScheduledFuture<?>> registrationDeadlines = new ConcurrentHashMap<>();

    NodeSocket(HubConfig config, NodeRegistry registry, ClientIp clientIp, ScheduledExecutorService timers, HubStats metrics) {
        this.config = config;
        this.registry = registry;
        this.clientIp = clientIp;
        this.timers = timers;
        this.metrics = metrics;
    }

    void configure(WsConfig ws) {
        ws.onConnect(this::connected);
        ws.onMessage(ctx -> message(ctx, ctx.message()));
        ws.onBinaryMessage(ctx -> violation(link(ctx), new WireException(WireException.UNSUPPORTED, "binary frames are not supported")));
        ws.onClose(ctx -> closed(ctx.session, ctx.status(), ctx.reason()));
        ws.onError(ctx -> log.debug("node socket error: {}", String.valueOf(ctx.error())));
    }

    /** Every open connection, registered or not. */
    Collection<NodeLink> connections() {
        return links.values();
    }

    private void connected(WsContext ctx) {
        String peer = ctx.session.getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
        NodeLink link = new NodeLink(ctx.session, clientIp.resolve(peer, ctx.header("X-Forwarded-For")));
        ctx.session.setIdleTimeout(config.pingInterval().plus(config.pongTimeout()));
        links.put(ctx.session, link);
        registrationDeadlines.put(link, timers.schedule(() -> {
            if (link.registration() == null) violation(link, new WireException(WireException.POLICY, "registration timeout"));
        }, config.registrationTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    private NodeLink link(WsContext ctx) {
        return links.get(ctx.session);
    }

    private void message(WsContext ctx, String text) {
        NodeLink link = link(ctx);
        if (link == null || link.isClosed()) return;
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

    private void violation(NodeLink link, WireException e) {
        if (link == null) return;
        metrics.linkError();
        log.info("closing {}: {} ({})", link, e.reason(), e.closeCode());
        link.close(e.closeCode(), e.reason());
    }

    private void closed(Session session, int code, String reason) {
        NodeLink link = links.remove(session);
        if (link == null) return;
        var deadline = registrationDeadlines.remove(link);
        if (deadline != null) deadline.cancel(false);
        if (link.registration() != null) log.info("{} disconnected ({} {})", link, code, reason == null ? "" : reason);
        link.disconnected();
        registry.remove(link);
    }

    /** Pings every connection; Jetty's idle timeout closes those that stay silent past the pong deadline. */
    void pingAll() {
        links.values().forEach(NodeLink::ping);
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

package dev.idleclaw.server;

import dev.idleclaw.admission.AddressCap;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.admission.RateBudget;
import dev.idleclaw.admission.RateLimiter;
import dev.idleclaw.admission.SlowRequests;
import dev.idleclaw.front.Headers;
import dev.idleclaw.config.NodeLinks;
import dev.idleclaw.link.NodeSocket;
import dev.idleclaw.json.Json;
import io.javalin.config.JavalinConfig;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The hub's listeners: the main one, the optional Ollama-only one, and a worker's loopback node listener, each guarded
 * by the per-address cap and the slow-request deadlines; and {@code /ws/node}, served by Jetty's own WebSocket layer
 * behind the node upgrade's rate limit. Its upgrade handler sits in the servlet context ahead of the session handler,
 * so a node's upgrade skips the servlet, session and filter machinery (a registration storm's largest per-connection
 * cost after Jetty's handshake itself) and its pongs reach us; other requests to the path go on to Javalin.
 */
final class Listeners {
    /** Largest node message: an {@code embed_result} may fill a 1 MiB frame; chunks and registrations are far smaller. */
    static final long MAX_NODE_MESSAGE_BYTES = dev.idleclaw.wire.WireLimits.MAX_EMBED_RESULT_BYTES;
    /** Frames queued to one node before its link counts as stuck; each stream needs only a few. */
    static final int MAX_OUTGOING_FRAMES = 1024;
    /** Where a worker's node listener binds: this machine only. */
    static final String WORKER_NODE_HOST = "127.0.0.1";

    private final Listen config;
    private final NodeLinks nodeLinks;
    private final ClientIp clientIp;
    private final RateBudget limiter;
    private final boolean worker;
    private volatile ServerConnector ollamaConnector;
    /** The worker profile's loopback listener, the only one a node with its key may connect on; null for a network hub. */
    private volatile ServerConnector nodeConnector;

    Listeners(Listen config, NodeLinks nodeLinks, boolean worker, ClientIp clientIp, RateBudget limiter) {
        this.config = config;
        this.nodeLinks = nodeLinks;
        this.clientIp = clientIp;
        this.limiter = limiter;
        this.worker = worker;
    }

    /** Adds the listeners and {@code /ws/node}; {@code nodeEndpoint} makes a node's endpoint from its address and auth wish. */
    void install(JavalinConfig cfg, BiFunction<String, Boolean, Object> nodeEndpoint) {
        var jetty = new Server[1];
        cfg.jetty.modifyServer(s -> jetty[0] = s); // Javalin calls this before it builds the servlet context
        cfg.jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(new JsonErrorHandler());
            if (!config.nodeListener()) return;
            context.insertHandler(WebSocketUpgradeHandler.from(jetty[0], ws -> {
                ws.setMaxTextMessageSize(MAX_NODE_MESSAGE_BYTES);
                ws.setMaxBinaryMessageSize(MAX_NODE_MESSAGE_BYTES);
                ws.setIdleTimeout(backstopIdleTimeout());
                ws.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
                ws.addMapping("/ws/node", (req, res, callback) -> upgradeNode(req, res, callback, nodeEndpoint));
            }));
        });
        // Every listener is ours (then Javalin adds none): the main one comes first (app.port() reads it).
        var cap = new AddressCap(config.maxConnectionsPerIp(), clientIp);
        var slow = new SlowRequests(config.headerTimeout(), config.minBodyRate());
        cfg.jetty.addConnector((server, http) -> guarded(server, http, cap, slow, config.host(), config.port()));
        if (config.ollamaPort() != Listen.NO_OLLAMA_PORT) {
            cfg.jetty.addConnector((server, http) -> ollamaConnector = guarded(server, http, cap, slow, config.host(), config.ollamaPort()));
        }
        if (worker) {
            // A node agent with the worker's own key may connect here: loopback, a free port, never the public listener.
            cfg.jetty.addConnector((server, http) -> nodeConnector = guarded(server, http, cap, slow, WORKER_NODE_HOST, 0));
        }
    }

    /** A listener on {@code host:port} whose sockets count against {@code cap} and whose requests {@code slow} watches. */
    private static ServerConnector guarded(Server server, HttpConfiguration http, AddressCap cap, SlowRequests slow, String host, int port) {
        var c = new ServerConnector(server, new HttpConnectionFactory(http)) {
            @Override
            protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
                var endPoint = new ReadBurstEndPoint(channel, selector, key, getScheduler());
                endPoint.setIdleTimeout(getIdleTimeout());
                return endPoint;
            }
        };
        c.setHost(host);
        c.setPort(port);
        c.getSelectorManager().addEventListener(cap);
        c.addEventListener(slow);
        server.addBean(slow); // started and stopped with the server, once however many listeners share it
        return c;
    }

    /**
     * Jetty's own idle limit, only a backstop: our pings reset it, and heartbeat eviction and the pong deadline
     * act well before it.
     */
    private java.time.Duration backstopIdleTimeout() {
        var ours = nodeLinks.heartbeatTimeout().plus(nodeLinks.evictionScan());
        var ping = nodeLinks.pingInterval().plus(nodeLinks.pongTimeout());
        return (ours.compareTo(ping) > 0 ? ours : ping).multipliedBy(2);
    }

    /** Rate-limits a node's upgrade (429 + {@code Retry-After}) or hands the connection to the node endpoint. */
    private Object upgradeNode(ServerUpgradeRequest req, ServerUpgradeResponse res, Callback callback,
                               BiFunction<String, Boolean, Object> endpoint) {
        var nodeOnly = nodeConnector;
        if (worker && (nodeOnly == null || Request.getLocalPort(req) != nodeOnly.getLocalPort())) {
            refuse(res, callback, 404, "Not Found");
            return null;
        }
        String client = clientIp.resolve(Request.getRemoteAddr(req), ClientIp.joined(req.getHeaders().getValuesList(ClientIp.FORWARDED_FOR)));
        long wait = limiter.take(RateLimiter.Kind.WS, client);
        if (wait > 0) {
            res.getHeaders().put(Headers.RETRY_AFTER, Long.toString(wait));
            refuse(res, callback, 429, "Too many requests");
            return null;
        }
        return endpoint.apply(client, NodeSocket.AUTH_SCHEME.equals(req.getHeaders().get(NodeSocket.AUTH_HEADER)));
    }

    /** An upgrade refused with IdleClaw's {@code {"detail": …}} body, as {@link JsonErrorHandler} writes it. */
    private static void refuse(ServerUpgradeResponse res, Callback callback, int status, String detail) {
        byte[] body = Json.write(Json.object().put("detail", detail)).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        res.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The worker profile's loopback node listener port, or -1 for a network hub. */
    int nodePort() {
        var c = nodeConnector;
        return c == null ? Listen.NO_OLLAMA_PORT : c.getLocalPort();
    }

    /** The port of the Ollama-only listener, or -1 when there is none. */
    int ollamaPort() {
        var c = ollamaConnector;
        return c == null ? Listen.NO_OLLAMA_PORT : c.getLocalPort();
    }
}

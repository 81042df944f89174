package dev.idleclaw.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.front.ChatDialect;
import dev.idleclaw.front.ollama.OllamaFace;
import dev.idleclaw.front.anthropic.AnthropicFace;
import dev.idleclaw.front.openai.OpenAiFace;
import dev.idleclaw.front.responses.ResponsesFace;
import dev.idleclaw.front.sse.IdleClawChat;
import dev.idleclaw.hub.Hub;
import dev.idleclaw.hub.NodeSocket;
import dev.idleclaw.front.Caller;
import dev.idleclaw.hub.HubConfig;
import dev.idleclaw.hub.HubMetrics;
import dev.idleclaw.json.Json;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.tracker.Tracker;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerRoutes;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP surface, separate from {@code main} so tests run exactly these routes: CORS first, then
 * per-client rate limits, then thin handlers over the hub's services, with one error mapping to
 * {@code {"detail": …}} bodies.
 */
public final class HubRoutes {
    private static final Logger log = LoggerFactory.getLogger(HubRoutes.class);
    /** Largest node message: an {@code embed_result} may fill a 1 MiB frame; chunks and registrations are far smaller. */
    static final long MAX_NODE_MESSAGE_BYTES = dev.idleclaw.wire.WireLimits.MAX_EMBED_RESULT_BYTES;
    /** Frames queued to one node before its link counts as stuck; each stream needs only a few. */
    static final int MAX_OUTGOING_FRAMES = 1024;
    /** Retry-After for a client already at its open-stream cap (upstream). */
    static final String CONCURRENCY_RETRY_AFTER = "5";
    private static final String RATE_CHECKED = "idleclaw.rate-checked";
    /** Every answer names its request so operators can match client reports with hub logs. */
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Where a worker's node listener binds: this machine only. */
    static final String WORKER_NODE_HOST = "127.0.0.1";

    private final HubConfig config;
    private final Hub hub;
    private final ClientIp clientIp;
    private final RateLimiter limiter;
    private final ChatGate chatGate;
    private final Doors doors;
    private final byte[] adminDigest;
    private final SignedHost signedHost;
    /** Broken bodies are the client's doing and can arrive by the thousand: one line a minute at most. */
    private final QuietLog badBodies = new QuietLog(log, QuietLog.DEFAULT_EVERY);
    private volatile ServerConnector ollamaConnector;
    /** The worker profile's loopback listener, the only one its node may connect on; null for a network hub. */
    private volatile ServerConnector nodeConnector;
    /** The Lobstah worker routes; null for a network hub. */
    private final WorkerRoutes worker;
    /** Where {@code --tracker} mounts the tracker, so its {@code /peers} does not collide with the hub's own. */
    public static final String TRACKER_PREFIX = "/tracker";
    /** Request attribute holding {@link #dialect}'s answer. */
    private static final String DIALECT = "idleclaw.chat-dialect";
    /** Request attribute holding {@link #tree}'s answer (an {@code Optional}: a body that does not parse is parsed once too). */
    private static final String BODY_TREE = "idleclaw.body-tree";
    /** Request attribute holding {@link #resolveOnce}'s answer. */
    private static final String RESOLVED_CALLER = "idleclaw.resolved-caller";

    /** The front doors the routes dispatch to. */
    public record Doors(IdleClawChat idleClaw, OllamaFace ollama, OpenAiFace openAi, AnthropicFace anthropic,
                        ResponsesFace responses) {}

    /** A chat handler behind the per-client open-stream cap. */
    private interface ChatHandler {
        void handle(Context ctx) throws Exception;
    }

    public HubRoutes(HubConfig config, Hub hub, ClientIp clientIp, RateLimiter limiter, ChatGate chatGate, Doors doors) {
        this.config = config;
        this.hub = hub;
        this.clientIp = clientIp;
        this.limiter = limiter;
        this.chatGate = chatGate;
        this.doors = doors;
        this.adminDigest = config.adminToken().isEmpty() ? null : sha256(config.adminToken());
        this.signedHost = new SignedHost(config.publicUrl(), clientIp);
        this.worker = config.role() == HubConfig.Role.WORKER ? new WorkerRoutes(hub) : null;
    }

    /**
     * Installs the routes; {@code nodeEndpoint} makes the WebSocket endpoint for a node connecting from an address
     * (and whether it asked to authenticate).
     */
    public void install(JavalinConfig cfg, BiFunction<String, Boolean, Object> nodeEndpoint) {
        cfg.startup.showJavalinBanner = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.http.maxRequestSize = config.maxBodyBytes();
        cfg.http.prefer405over404 = true; // a known path with the wrong method is 405, as in IdleClaw (Starlette)
        // Jetty's per-connection header cache matches values case-insensitively by default, so after one good
        // "Authorization: Bearer <token>" a case-variant of the token would pass on the same connection.
        cfg.jetty.modifyHttpConfiguration(h -> h.setHeaderCacheCaseSensitive(true));
        // /ws/node is served by Jetty's own WebSocket layer (ahead of Javalin's servlet) so pongs reach us.
        cfg.jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(new JsonErrorHandler());
            JettyWebSocketServletContainerInitializer.configure(context, (servlet, ws) -> {
                ws.setMaxTextMessageSize(MAX_NODE_MESSAGE_BYTES);
                ws.setMaxBinaryMessageSize(MAX_NODE_MESSAGE_BYTES);
                ws.setIdleTimeout(backstopIdleTimeout());
                ws.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
                if (config.nodeListener()) ws.addMapping("/ws/node", (req, res) -> upgradeNode(req, res, nodeEndpoint));
            });
        });
        // Every listener is ours (then Javalin adds none): the main one comes first (app.port() reads it), and each
        // is guarded by the per-address cap and the slow-request deadlines.
        var cap = new AddressCap(config.maxConnectionsPerIp(), clientIp);
        var slow = new SlowRequests(config.headerTimeout(), config.minBodyRate());
        cfg.jetty.addConnector((server, http) -> guarded(server, http, cap, slow, config.host(), config.port()));
        if (config.ollamaPort() != HubConfig.NO_OLLAMA_PORT) {
            cfg.jetty.addConnector((server, http) -> ollamaConnector = guarded(server, http, cap, slow, config.host(), config.ollamaPort()));
        }
        if (worker != null) {
            // The worker's own node agent connects here: loopback, a free port, never the public listener.
            cfg.jetty.addConnector((server, http) -> nodeConnector = guarded(server, http, cap, slow, WORKER_NODE_HOST, 0));
        }
        var r = cfg.routes;
        r.before(this::refuseOversized);
        r.before(this::corsAndLimits);
        r.get("/health", ctx -> json(ctx, hub.info().health()));
        r.get("/api/models", ctx -> json(ctx, hub.info().models()));
        r.get("/metrics", this::metrics);
        r.get("/admin/nodes", this::adminNodes);
        r.get("/balance", this::balance);
        r.get("/peers", this::peers);
        r.get("/ledger", this::ledger);
        if (config.tracker()) {
            var policy = config.localPeers() ? UrlSafety.Policy.LOCAL : UrlSafety.Policy.DEFAULT;
            var tracker = new Tracker(UrlSafety.of(policy), System::currentTimeMillis, Tracker.MAX_ENTRIES);
            new TrackerRoutes(tracker, TrackerConfig.DEFAULT_REQUESTS_PER_MINUTE, clientIp).mount(r, TRACKER_PREFIX);
        }
        r.post("/api/chat", ctx -> gated(ctx, this::chat));
        if (worker != null) {
            // Lobstah's worker face (lobstah-wire.md §7) instead of Ollama's root.
            r.get("/", worker::root);
            r.head("/", worker::root);
            r.get("/pubkey", worker::pubkey);
            r.get("/capacity", worker::capacity);
        } else {
            // Ollama's face, and what another hub or router needs to use this hub as a peer
            r.get("/", doors.ollama()::root);
            r.head("/", doors.ollama()::root);
            r.get("/pubkey", ctx -> json(ctx, Json.object().put("pubkey", hub.publicKey())));
            r.get("/capacity", ctx -> json(ctx, hub.info().capacity(hub.publicKey())));
        }
        r.get("/api/version", doors.ollama()::version);
        r.head("/api/version", doors.ollama()::version);
        r.get("/api/tags", doors.ollama()::tags);
        r.head("/api/tags", doors.ollama()::tags);
        r.get("/api/ps", doors.ollama()::ps);
        r.post("/api/show", doors.ollama()::show);
        r.post("/api/generate", ctx -> gated(ctx, doors.ollama()::generate));
        r.post("/api/embed", ctx -> gated(ctx, hub.embeddings()::embed));
        r.post("/api/embeddings", ctx -> gated(ctx, hub.embeddings()::embeddings));
        // OpenAI's face
        r.post("/v1/chat/completions", ctx -> gated(ctx, doors.openAi()::chatCompletions));
        r.post("/v1/responses", ctx -> gated(ctx, doors.responses()::create));
        r.post("/v1/embeddings", ctx -> gated(ctx, hub.embeddings()::openAi));
        r.get("/v1/models", doors.openAi()::models);
        r.get("/v1/models/<model>", doors.openAi()::model);
        // Anthropic's face (Claude Code sends ?beta=true, which changes nothing here)
        r.post("/v1/messages", ctx -> gated(ctx, doors.anthropic()::messages));
        r.post("/v1/messages/count_tokens", doors.anthropic()::countTokens);
        // Javalin's own 404/405 messages name the endpoint; IdleClaw (Starlette) answers with the bare reason.
        r.exception(HttpResponseException.class, (e, ctx) -> shape(ctx).write(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> tooLarge();
            default -> e.getMessage();
        }));
        r.exception(Exception.class, (e, ctx) -> {
            if (BadBody.of(e) instanceof BadBody bad) {
                badBodies.warn("refused a broken request body on {} {} from {}: {}", ctx.method(), ctx.path(), client(ctx), bad.reason());
                shape(ctx).write(ctx, bad.status(), bad.status() == 413 ? tooLarge() : bad.reason());
                return;
            }
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            shape(ctx).write(ctx, 500, "Internal Server Error");
        });
        // Only when nothing was written: a door's own 404 (e.g. Ollama's unknown model) is already the answer.
        r.error(404, ctx -> { if (ctx.result() == null && !ctx.res().isCommitted()) detail(ctx, 404, "Not Found"); });
        r.error(405, ctx -> { if (ctx.result() == null && !ctx.res().isCommitted()) detail(ctx, 405, "Method Not Allowed"); });
    }

    /** A listener on {@code host:port} whose sockets count against {@code cap} and whose requests {@code slow} watches. */
    private static ServerConnector guarded(org.eclipse.jetty.server.Server server, org.eclipse.jetty.server.HttpConfiguration http,
                                           AddressCap cap, SlowRequests slow, String host, int port) {
        var c = new ServerConnector(server, new HttpConnectionFactory(http));
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
        var ours = config.heartbeatTimeout().plus(config.evictionScan());
        var ping = config.pingInterval().plus(config.pongTimeout());
        return (ours.compareTo(ping) > 0 ? ours : ping).multipliedBy(2);
    }

    /** Rate-limits a node's upgrade (429 + {@code Retry-After}) or hands the connection to the node endpoint. */
    private Object upgradeNode(JettyServerUpgradeRequest req, JettyServerUpgradeResponse res, BiFunction<String, Boolean, Object> endpoint)
            throws java.io.IOException {
        var nodeOnly = nodeConnector;
        if (worker != null && (nodeOnly == null || req.getHttpServletRequest().getLocalPort() != nodeOnly.getLocalPort())) {
            res.sendError(404, "Not Found");
            return null;
        }
        String client = clientIp.resolve(req.getHttpServletRequest().getRemoteAddr(), req.getHeader("X-Forwarded-For"));
        long wait = limiter.take(RateLimiter.Kind.WS, client);
        if (wait > 0) {
            res.setHeader("Retry-After", Long.toString(wait));
            res.sendError(429, "Too many requests");
            return null;
        }
        return endpoint.apply(client, NodeSocket.AUTH_SCHEME.equals(req.getHeader(NodeSocket.AUTH_HEADER)));
    }

    /**
     * 413 for a declared {@code Content-Length} over {@code --max-body-bytes}, before anything reads the body: Jetty
     * answers {@code Expect: 100-continue} when the body is first read, so a client must not be invited to send what
     * will be refused. The connection closes, as the unread body is still on it. Only for such a client: one that sends
     * its body at once would lose the answer to the reset that closing over its unread body causes, so its oversized
     * body is refused by the size limit as it is read.
     */
    private void refuseOversized(Context ctx) {
        String expect = ctx.header("Expect");
        if (expect == null || !expect.equalsIgnoreCase("100-continue") || ctx.req().getContentLengthLong() <= config.maxBodyBytes()) return;
        ctx.header("Connection", "close");
        throw new HttpResponseException(413, tooLarge());
    }

    /** The 413 text: names the limit and the option that sets it. */
    private String tooLarge() {
        return "Content Too Large: this hub accepts request bodies of at most " + config.maxBodyBytes()
               + " bytes (its operator sets --max-body-bytes)";
    }

    private String client(Context ctx) {
        return clientIp.resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    private void corsAndLimits(Context ctx) {
        if (ctx.attribute(RATE_CHECKED) != null) return;
        ctx.attribute(RATE_CHECKED, Boolean.TRUE);
        ctx.header(REQUEST_ID_HEADER, RequestIds.next());
        String origin = ctx.header("Origin");
        boolean allowed = origin != null && config.corsOrigins().contains(origin);
        if (ctx.method() == HandlerType.OPTIONS && origin != null && ctx.header("Access-Control-Request-Method") != null) {
            if (allowed) {
                ctx.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin")
                        .header("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
                        .header("Access-Control-Max-Age", "600");
                String h = ctx.header("Access-Control-Request-Headers");
                if (h != null) ctx.header("Access-Control-Allow-Headers", h);
                ctx.status(200).contentType("text/plain; charset=utf-8").result("OK");
            } else {
                ctx.status(400).contentType("text/plain; charset=utf-8").result("Disallowed CORS origin");
            }
            ctx.skipRemainingHandlers();
            return;
        }
        if (allowed) ctx.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin");
        RateLimiter.Kind kind = RateLimiter.kindOf(ctx.path());
        if (kind == null) return;
        // The per-address chat budget is the anonymous free tier; a caller spending its own credit is not held to it.
        if (kind == RateLimiter.Kind.CHAT && resolveOnce(ctx) instanceof Caller c && c.credited()) return;
        long wait = limiter.take(kind, client(ctx));
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new HttpResponseException(429, "Too many requests");
        }
    }

    private void gated(Context ctx, ChatHandler handler) throws Exception {
        String client = client(ctx);
        if (!chatGate.enter(client)) {
            ctx.header("Retry-After", CONCURRENCY_RETRY_AFTER);
            shape(ctx).write(ctx, 429, "Too many concurrent requests");
            return;
        }
        try {
            Caller caller;
            switch (resolveOnce(ctx)) {
                case CallerAuth.Refused e -> {
                    shape(ctx).write(ctx, e.status, e.getMessage());
                    return;
                }
                case Caller c -> caller = c;
                default -> throw new IllegalStateException("unreachable");
            }
            // A Lobstah router names itself in a bare header and accepts only receipts naming it (never debited here).
            if (caller.pubkey() == null) caller = WorkerRoutes.named(ctx);
            if (worker != null && !worker.creditAllows(ctx, caller)) return;
            ctx.attribute(Caller.ATTRIBUTE, caller);
            handler.handle(ctx);
        } finally {
            chatGate.leave(client);
        }
    }

    /**
     * The request's caller, resolved once (a signature's nonce can be claimed only once): a {@link Caller}, or the
     * {@link CallerAuth.Refused} that says why its credentials were refused.
     */
    private Object resolveOnce(Context ctx) {
        Object resolved = ctx.attribute(RESOLVED_CALLER);
        if (resolved == null) {
            try {
                resolved = callers().resolve(ctx, ctx.bodyAsBytes());
            } catch (CallerAuth.Refused e) {
                resolved = e;
            }
            ctx.attribute(RESOLVED_CALLER, resolved);
        }
        return resolved;
    }

    private CallerAuth callers() {
        return new CallerAuth(hub.ledger(), hub.publicKey(), hub::trustsForwarder, signedHost);
    }

    /** The caller of a lookup, or null after answering why its credentials were refused. */
    private Caller callerOrRefuse(Context ctx) {
        try {
            return callers().resolve(ctx, ctx.bodyAsBytes());
        } catch (CallerAuth.Refused e) {
            detail(ctx, e.status, e.getMessage());
            return null;
        }
    }

    /**
     * {@code GET /balance}: lobstah-wire.md §8's shape; {@code self} is the signed caller's account (else the hub's),
     * {@code perPeer} every account only for the admin or on a public ledger, else the caller's own.
     */
    private void balance(Context ctx) {
        if (isAdmin(ctx)) {
            json(ctx, Balances.balance(hub.ledger(), hub.publicKey(), hub.publicKey(), new Balances.View.All()));
            return;
        }
        Caller caller = callerOrRefuse(ctx);
        if (caller == null) return;
        String own = ownKey(caller);
        json(ctx, Balances.balance(hub.ledger(), hub.publicKey(), own == null ? hub.publicKey() : own, view(caller)));
    }

    /**
     * {@code GET /ledger?limit=N}: newest receipts first (limit 1..500, default 50): all of them for the admin or on a
     * public ledger, else those naming the caller's key (none for an anonymous caller).
     */
    private void ledger(Context ctx) {
        if (isAdmin(ctx) || config.publicLedger()) {
            json(ctx, Balances.ledger(hub.ledger(), ctx.queryParam("limit"), new Balances.View.All()));
            return;
        }
        Caller caller = callerOrRefuse(ctx);
        if (caller == null) return;
        json(ctx, Balances.ledger(hub.ledger(), ctx.queryParam("limit"), view(caller)));
    }

    /** What this (non-admin) caller may see of the ledger (docs/protocol.md "Who sees the ledger"). */
    private Balances.View view(Caller caller) {
        if (config.publicLedger()) return new Balances.View.All();
        return new Balances.View.Own(ownKey(caller));
    }

    /**
     * The key whose ledger entries this caller may read: its own proved key; none for a forwarded request, since
     * "on behalf of" is a promise to pay, not a proof that lets a peer read someone's receipts.
     */
    private static String ownKey(Caller caller) {
        return caller.via().isEmpty() ? caller.pubkey() : null;
    }

    /** {@code GET /peers}: the peers file as Lobstah's router shows it (an array of {@code {pubkey,url,label?}}). */
    private void peers(Context ctx) {
        var list = Json.array();
        if (hub.peers() != null) {
            for (var p : hub.peers().peers()) {
                var o = list.addObject().put("pubkey", p.pubkey()).put("url", p.url());
                if (p.label() != null) o.put("label", p.label());
            }
        }
        ctx.contentType("application/json").result(Json.write(list));
    }

    /**
     * {@code /api/chat}: the dialect rule, or Ollama's always on the Ollama-only listener. The body is parsed once,
     * here, for both the dialect rule and the door (an agent's request can be megabytes).
     */
    private void chat(Context ctx) throws Exception {
        byte[] body = ctx.bodyAsBytes();
        JsonNode tree = tree(ctx);
        switch (dialect(ctx)) {
            case IDLECLAW -> doors.idleClaw().handle(ctx, body, tree);
            case OLLAMA -> doors.ollama().chat(ctx, body, tree);
        }
    }

    /** The {@code /api/chat} body parsed as the doors parse it, once per request; null when it does not parse. */
    private JsonNode tree(Context ctx) {
        if (ctx.attribute(BODY_TREE) instanceof Optional<?> parsed) return (JsonNode) parsed.orElse(null);
        JsonNode tree = BodyJson.parsedOrNull(readableBody(ctx));
        ctx.attribute(BODY_TREE, Optional.ofNullable(tree));
        return tree;
    }

    /** Which dialect answers this {@code /api/chat} request, decided once (its errors too are in that dialect). */
    private ChatDialect dialect(Context ctx) {
        if (ctx.attribute(DIALECT) instanceof ChatDialect d) return d;
        var connector = ollamaConnector;
        boolean ollamaListener = connector != null && ctx.req().getLocalPort() == connector.getLocalPort();
        ChatDialect d = ollamaListener ? ChatDialect.OLLAMA
                : ChatDialect.pick(config.chatDialect(), ctx.header("Accept"), dialectBody(ctx));
        ctx.attribute(DIALECT, d);
        return d;
    }

    /** What the dialect rule reads: the parsed body, else (a body the door will refuse) its leading JSON value, if any. */
    private JsonNode dialectBody(Context ctx) {
        JsonNode tree = tree(ctx);
        return tree != null ? tree : BodyJson.quiet(readableBody(ctx));
    }

    /** The body, or none when it cannot be read (too large, cut off): the error about that is answered elsewhere. */
    private byte[] readableBody(Context ctx) {
        if (ctx.req().getContentLengthLong() > config.maxBodyBytes()) return new byte[0];
        try {
            return ctx.bodyAsBytes();
        } catch (Exception unreadable) { // Javalin rethrows Jetty's IOException for a cut-off body unchecked
            return new byte[0];
        }
    }

    /**
     * The error body this request's client expects: by path, and for {@code /api/chat} by the dialect that answers it
     * (Ollama's {@code {"error"}}, or IdleClaw's FastAPI {@code {"detail"}}).
     */
    private ErrorShape shape(Context ctx) {
        if (!ctx.path().equals("/api/chat")) return ErrorShape.of(ctx.path());
        return dialect(ctx) == ChatDialect.OLLAMA ? ErrorShape.OLLAMA : ErrorShape.IDLECLAW;
    }

    /** The worker profile's loopback node listener port, or -1 for a network hub. */
    public int nodePort() {
        var c = nodeConnector;
        return c == null ? HubConfig.NO_OLLAMA_PORT : c.getLocalPort();
    }

    /** The port of the Ollama-only listener, or -1 when there is none. */
    public int ollamaPort() {
        var c = ollamaConnector;
        return c == null ? HubConfig.NO_OLLAMA_PORT : c.getLocalPort();
    }

    /** IdleClaw's JSON by default; Prometheus text or OpenMetrics when the scraper asks for it. */
    private void metrics(Context ctx) {
        String accept = ctx.header("Accept");
        if (HubMetrics.wantsExposition(accept)) {
            ctx.contentType(HubMetrics.contentType(accept)).result(hub.metrics().scrape(accept));
        } else {
            json(ctx, hub.info().metrics());
        }
    }

    /** Whether the request carries the admin token ({@code Authorization: Bearer …}, any case), compared in constant time. */
    private boolean isAdmin(Context ctx) {
        var token = ApiKeys.bearerToken(ctx.header("Authorization"));
        return adminDigest != null && token.isPresent() && MessageDigest.isEqual(adminDigest, sha256(token.get()));
    }

    private void adminNodes(Context ctx) {
        if (!isAdmin(ctx)) {
            detail(ctx, 401, "Unauthorized");
            return;
        }
        json(ctx, hub.info().adminNodes());
    }

    private static void json(Context ctx, ObjectNode body) {
        ctx.contentType("application/json").result(Json.write(body));
    }

    static void detail(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(Json.write(Json.object().put("detail", message)));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

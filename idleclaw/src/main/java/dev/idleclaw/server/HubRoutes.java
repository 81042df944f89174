package dev.idleclaw.server;

import dev.idleclaw.admission.Admission;
import dev.idleclaw.admission.CallerAuth;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.admission.Cors;
import dev.idleclaw.admission.DoorShapes;
import dev.idleclaw.admission.ErrorShape;
import dev.idleclaw.admission.RateBudget;
import dev.idleclaw.admission.RequestIds;
import dev.idleclaw.admission.RequestRate;
import dev.idleclaw.admission.SignedHost;
import dev.idleclaw.admission.StreamCap;
import dev.idleclaw.admission.StreamSlots;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.front.anthropic.AnthropicDoor;
import dev.idleclaw.front.ollama.OllamaDoor;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.front.responses.ResponsesDoor;
import dev.idleclaw.front.idleclaw.IdleClawDoor;
import dev.idleclaw.config.Federation;
import dev.idleclaw.config.LedgerSettings;
import dev.idleclaw.config.NodeLinks;
import dev.idleclaw.admission.Admission.Stage;
import dev.idleclaw.json.Json;
import dev.idleclaw.tracker.Tracker;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerRoutes;
import dev.idleclaw.web.WebPages;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The hub's HTTP surface, separate from {@code main} so tests run exactly these routes: the {@link Admission} every
 * request goes through, then thin handlers over the doors and the hub's services. Each route is mounted with its
 * door's error shape ({@link DoorShapes}), which every refusal on it then uses ({@link ErrorMapping}).
 */
public final class HubRoutes {
    /** Where {@code --tracker} mounts the tracker, so its {@code /peers} does not collide with the hub's own. */
    public static final String TRACKER_PREFIX = "/tracker";

    private final Listen config;
    private final LedgerSettings ledger;
    private final Federation federation;
    private final Hub hub;
    private final ClientIp clientIp;
    private final Doors doors;
    /** The Lobstah worker routes; null for a network hub. */
    private final WorkerRoutes worker;
    private final Listeners listeners;
    private final DoorShapes shapes = new DoorShapes();
    private final ChatDialects dialects;
    private final Admission admission;

    /** The front doors the routes dispatch to. */
    public record Doors(IdleClawDoor idleClaw, OllamaDoor ollama, OpenAiDoor openAi, AnthropicDoor anthropic,
                        ResponsesDoor responses) {}

    /** {@code workerProfile}: the worker profile ({@code idleclaw worker}) rather than a network hub. */
    public HubRoutes(Listen config, NodeLinks nodeLinks, LedgerSettings ledger, Federation federation, boolean workerProfile, Hub hub,
                     ClientIp clientIp, RateBudget limiter, StreamSlots chatGate, Doors doors) {
        this.config = config;
        this.ledger = ledger;
        this.federation = federation;
        this.hub = hub;
        this.clientIp = clientIp;
        this.doors = doors;
        this.worker = workerProfile ? new WorkerRoutes(hub) : null;
        this.listeners = new Listeners(config, nodeLinks, workerProfile, clientIp, limiter);
        this.dialects = new ChatDialects(config.chatDialect(), config.maxBodyBytes(), listeners::ollamaPort);
        var signedHost = new SignedHost(config.publicUrl(), clientIp);
        this.admission = new Admission(Map.of(
                Stage.NAME, RequestIds::name,
                Stage.CORS, new Cors(config.corsOrigins()),
                Stage.RATE, new RequestRate(limiter),
                Stage.OPEN_STREAMS, new StreamCap(chatGate),
                Stage.CALLER, request -> Authenticate.caller(request, hub.registry().bans()),
                Stage.NAMED_REQUESTER, Authenticate::namedRequester,
                Stage.CREDIT, worker == null ? request -> true : request -> worker.creditAllows(request.ctx(), request.caller())),
                clientIp, shapes, () -> new CallerAuth(hub.ledger(), hub.publicKey(), hub::trustsForwarder, signedHost));
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
        listeners.install(cfg, nodeEndpoint);
        var r = cfg.routes;
        new ErrorMapping(shapes, config.maxBodyBytes(), clientIp).install(r);
        r.before(admission::everyRequest);

        var own = new Mount(r, ErrorShape.IDLECLAW);
        var lookups = new Lookups(hub, admission, ledger.publicLedger(), ledger.adminToken());
        own.get("/health", ctx -> {
            // A draining hub (stopping) says so with 503, so a load balancer's health check moves new clients elsewhere.
            var health = hub.info().health();
            if (hub.draining()) {
                ctx.status(503);
                health.put("status", "draining");
            }
            Lookups.json(ctx, health);
        });
        own.get("/api/models", ctx -> Lookups.json(ctx, hub.info().models()));
        own.get("/metrics", lookups::metrics);
        var admin = new AdminApi(hub, new AdminToken(ledger.adminToken()), clientIp);
        own.get("/admin/nodes", admin.guarded(admin::nodes));
        own.post("/admin/nodes/{node_id}/disconnect", admin.guarded(admin::disconnect));
        own.post("/admin/nodes/{node_id}/ban", admin.guarded(admin::banNode));
        own.get("/admin/bans", admin.guarded(admin::bans));
        own.post("/admin/bans", admin.guarded(admin::banTarget));
        own.delete("/admin/bans/{id}", admin.guarded(admin::lift));
        own.get("/admin/keys", admin.guarded(admin::keys));
        own.post("/admin/keys", admin.guarded(admin::createKey));
        own.delete("/admin/keys/{pubkey}", admin.guarded(admin::revokeKeys));
        var trust = new TrustApi(hub, admin);
        own.get("/admin/trust", admin.guarded(trust::list));
        own.post("/admin/trust/{pubkey}/{action}", admin.guarded(trust::act));
        own.get("/api/stats", hub.statsFeed()::snapshot);
        own.get("/api/stats/stream", hub.statsFeed()::stream);
        own.get("/balance", lookups::balance);
        own.get("/peers", lookups::peers);
        own.get("/ledger", lookups::ledger);
        // Chats and embeddings other members of the cluster forward (docs/protocol.md "Cluster forwarding"); their own authentication.
        if (hub.forwarding() != null) {
            own.post(dev.idleclaw.registry.MemberTransport.PATH, hub.forwarding().route());
            own.post(dev.idleclaw.registry.MemberTransport.EMBED_PATH, hub.forwarding().embedRoute());
        }
        if (federation.tracker()) {
            var policy = federation.localPeers() ? UrlSafety.Policy.LOCAL : UrlSafety.Policy.DEFAULT;
            var tracker = new Tracker(UrlSafety.of(policy), System::currentTimeMillis, Tracker.MAX_ENTRIES);
            new TrackerRoutes(tracker, TrackerConfig.DEFAULT_REQUESTS_PER_MINUTE, clientIp).mount(r, TRACKER_PREFIX);
        }
        // IdleClaw's chat or Ollama's, by the dialect rule (its refusals too).
        new Mount(r, dialects::shape).chat("/api/chat", this::chat);
        if (worker != null) {
            // Lobstah's worker face (lobstah-wire.md §7) instead of Ollama's root.
            own.getAndHead("/", worker::root);
            own.get("/pubkey", worker::pubkey);
            own.get("/capacity", worker::capacity);
        } else {
            // Ollama's root (answered with the hub's own errors, as ever; the chat page instead for a browser unless
            // --web=false), and what another hub or router needs to use this hub as a peer
            if (config.web()) {
                var pages = new WebPages().page("/dashboard", "dashboard.html").page("/admin", "admin.html");
                for (var page : pages.routes(doors.ollama()::root)) own.getAndHead(page.path(), page.handler());
            } else {
                own.getAndHead("/", doors.ollama()::root);
            }
            own.get("/pubkey", ctx -> Lookups.json(ctx, Json.object().put("pubkey", hub.publicKey())));
            own.get("/capacity", ctx -> Lookups.json(ctx, hub.info().capacity(hub.publicKey())));
        }
        var ollama = new Mount(r, ErrorShape.OLLAMA);
        ollama.getAndHead("/api/version", doors.ollama()::version);
        ollama.getAndHead("/api/tags", doors.ollama()::tags);
        ollama.get("/api/ps", doors.ollama()::ps);
        ollama.post("/api/show", doors.ollama()::show);
        ollama.chat("/api/generate", doors.ollama()::generate);
        ollama.chat("/api/embed", hub.embeddings()::embed);
        ollama.chat("/api/embeddings", hub.embeddings()::embeddings);
        var openAi = new Mount(r, ErrorShape.OPENAI);
        openAi.chat("/v1/chat/completions", doors.openAi()::chatCompletions);
        openAi.chat("/v1/responses", doors.responses()::create);
        openAi.chat("/v1/embeddings", hub.embeddings()::openAi);
        openAi.get("/v1/models", doors.openAi()::models);
        openAi.get("/v1/models/<model>", doors.openAi()::model);
        shapes.claim("/v1/", ErrorShape.OPENAI); // OpenAI's clients' paths, routed or not
        // Anthropic's door (Claude Code sends ?beta=true, which changes nothing here)
        var anthropic = new Mount(r, ErrorShape.ANTHROPIC);
        anthropic.chat("/v1/messages", doors.anthropic()::messages);
        anthropic.post("/v1/messages/count_tokens", doors.anthropic()::countTokens);
        shapes.claim("/v1/messages/", ErrorShape.ANTHROPIC);
    }

    /** {@code /api/chat}: the dialect rule, or Ollama's always on the Ollama-only listener; the body is parsed once. */
    private void chat(Context ctx) throws Exception {
        byte[] body = ctx.bodyAsBytes();
        var tree = dialects.tree(ctx);
        switch (dialects.of(ctx)) {
            case IDLECLAW -> doors.idleClaw().handle(ctx, body, tree);
            case OLLAMA -> doors.ollama().chat(ctx, body, tree);
        }
    }

    /** Mounts one door's routes, each registered with the door's error shape; chats behind {@link Admission#CHAT_DOOR}. */
    private final class Mount {
        private final RoutesConfig r;
        private final Function<Context, ErrorShape> shape;

        Mount(RoutesConfig r, ErrorShape shape) {
            this(r, ctx -> shape);
        }

        Mount(RoutesConfig r, Function<Context, ErrorShape> shape) {
            this.r = r;
            this.shape = shape;
        }

        void get(String path, Handler h) {
            shapes.route(path, shape);
            r.get(path, h);
        }

        void getAndHead(String path, Handler h) {
            get(path, h);
            r.head(path, h);
        }

        void post(String path, Handler h) {
            shapes.route(path, shape);
            r.post(path, h);
        }

        void delete(String path, Handler h) {
            shapes.route(path, shape);
            r.delete(path, h);
        }

        void chat(String path, Handler door) {
            post(path, admission.chatDoor(door));
        }
    }

    /** The worker profile's loopback node listener port, or -1 for a network hub. */
    public int nodePort() {
        return listeners.nodePort();
    }

    /** The port of the Ollama-only listener, or -1 when there is none. */
    public int ollamaPort() {
        return listeners.ollamaPort();
    }
}

package dev.idleclaw.testkit;

import dev.idleclaw.testkit.Wire.BadRequest;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records every request, then answers it like Ollama's router: the routes of the spec, 404 and 405 in plain text. */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Gin's {@code /v1/models/:model}: exactly one non-empty path segment after the prefix. */
    private static final String MODEL_ROUTE = "/v1/models/:model";
    private static final String MODEL_PREFIX = "/v1/models/";
    private static final Map<String, Set<String>> ROUTES = Map.ofEntries(
            Map.entry("/", Set.of("GET", "HEAD")),
            Map.entry("/api/version", Set.of("GET", "HEAD")),
            Map.entry("/api/tags", Set.of("GET", "HEAD")),
            Map.entry("/api/ps", Set.of("GET")),
            Map.entry("/api/show", Set.of("POST")),
            Map.entry("/api/chat", Set.of("POST")),
            Map.entry("/api/generate", Set.of("POST")),
            Map.entry("/api/embed", Set.of("POST")),
            Map.entry("/api/embeddings", Set.of("POST")),
            Map.entry("/v1/chat/completions", Set.of("POST")),
            Map.entry("/v1/models", Set.of("GET")),
            Map.entry(MODEL_ROUTE, Set.of("GET")));
    /** Gin's default 404/405 replies: {@code text/plain} without a charset. */
    private static final String GIN_TEXT = "text/plain";

    private final StandInOllama server;

    Router(StandInOllama server) {
        this.server = server;
    }

    void handle(Context ctx) {
        var body = ctx.bodyAsBytes();
        boolean keep = server.recording();
        var recorded = new RecordedRequest(ctx.method().name(), ctx.path(), headers(ctx.req()),
                keep ? new String(body, StandardCharsets.UTF_8) : "", new CompletableFuture<>(), new CompletableFuture<>());
        if (keep) server.requestLog().add(recorded);
        var exchange = new Exchange(ctx, body, recorded, server::stopping);
        try {
            try {
                route(exchange);
            } catch (BadRequest e) {
                if (openAi(recorded.path())) OpenAiChat.error(exchange, e.status, e.getMessage(), true);
                else exchange.json(e.status, Wire.error(e.getMessage()));
            }
        } catch (Exchange.Gone e) {
            LOG.debug("{} {}: {}", recorded.method(), recorded.path(), e.byClient ? "client closed" : "stopping");
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", recorded.method(), recorded.path(), e);
            if (exchange.committed()) exchange.drop();
            else if (openAi(recorded.path())) OpenAiChat.error(exchange, 500, String.valueOf(e.getMessage()), true);
            else exchange.json(500, Wire.error(String.valueOf(e.getMessage())));
        } finally {
            recorded.finished().complete(null);
        }
    }

    private void route(Exchange exchange) throws BadRequest {
        var route = routeOf(exchange.path());
        var methods = ROUTES.get(route);
        if (methods == null) {
            exchange.send(404, GIN_TEXT, "404 page not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!methods.contains(exchange.method())) {
            exchange.send(405, GIN_TEXT, "405 method not allowed".getBytes(StandardCharsets.UTF_8));
            return;
        }
        switch (route) {
            case "/" -> exchange.send(200, Wire.TEXT, "Ollama is running".getBytes(StandardCharsets.UTF_8));
            case "/api/version" -> exchange.json(200, Wire.object().put("version", server.currentVersion()));
            case "/api/tags" -> exchange.json(200, ModelRoutes.tags(server.models()));
            case "/api/ps" -> exchange.json(200, ModelRoutes.ps(server.models()));
            case "/api/show" -> exchange.json(200, ModelRoutes.show(exchange.body(), server::find));
            case "/api/chat" -> inference(exchange, exchange, exchange.body(), true);
            case "/api/generate" -> inference(exchange, exchange, exchange.body(), false);
            case "/api/embed" -> exchange.json(200, Embeddings.embed(exchange.body(), server::find));
            case "/api/embeddings" -> exchange.json(200, Embeddings.legacy(exchange.body(), server::find));
            case "/v1/chat/completions" -> openAiChat(exchange);
            case "/v1/models" -> OpenAiChat.encode(exchange, 200, OpenAiModels.list(ModelRoutes.newestFirst(server.models())));
            case MODEL_ROUTE -> openAiModel(exchange);
            default -> throw new IllegalStateException("route without handler: " + exchange.path());
        }
    }

    private static String routeOf(String path) {
        if (!path.startsWith(MODEL_PREFIX)) return path;
        var name = path.substring(MODEL_PREFIX.length());
        return name.isEmpty() || name.contains("/") ? path : MODEL_ROUTE;
    }

    private static boolean openAi(String path) { return path.startsWith("/v1/"); }

    /** Ollama's ChatMiddleware: its own checks answer in gin's JSON; the native chat then runs behind the translation. */
    private void openAiChat(Exchange exchange) throws BadRequest {
        OpenAiRequest request;
        try {
            request = OpenAiRequest.parse(exchange.body());
        } catch (BadRequest e) {
            OpenAiChat.error(exchange, e.status, e.getMessage(), false);
            return;
        }
        inference(exchange, new OpenAiChat(exchange, request.includeUsage()), Wire.bytes(request.nativeBody()), true);
    }

    /** {@code /v1/models/{model}}: the /api/show lookup, answered in OpenAI's shape; the id echoes the path. */
    private void openAiModel(Exchange exchange) throws BadRequest {
        var segment = exchange.path().substring(MODEL_PREFIX.length());
        var requested = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8); // a path keeps '+'
        var model = server.find(requested);
        if (model == null) throw new BadRequest(404, "model '" + requested + "' not found");
        OpenAiChat.encode(exchange, 200, OpenAiModels.model(requested, model));
    }

    /** Validation in Ollama's order, then load/unload, then the model's {@link Behaviour}; replies go to {@code replies}. */
    private void inference(Exchange exchange, Replies replies, byte[] body, boolean chat) throws BadRequest {
        var request = InferenceRequest.parse(chat, body);
        var model = server.find(request.model());
        if (model == null) throw new BadRequest(404, "model '" + request.model() + "' not found");
        if (!model.can("completion")) {
            throw new BadRequest(400, "\"" + request.model() + "\" does not support " + (chat ? "chat" : "generate"));
        }
        if (request.hasTools() && !model.can("tools")) {
            throw new BadRequest(400, registryName(model.name()) + " does not support tools");
        }
        if (request.think() && !model.can("thinking")) {
            throw new BadRequest(400, "\"" + request.model() + "\" does not support thinking");
        }
        var behaviour = server.behaviourFor(model.name());
        var early = behaviour.preStreamError();
        if (early != null) throw new BadRequest(early.status(), early.message());
        if (!request.hasInput()) {
            replies.json(200, Chunks.loaded(request));
            return;
        }
        server.streams().incrementAndGet();
        try {
            new Generation(exchange, replies, request, behaviour, model, server.hardwareSeed()).run();
        } finally {
            server.streams().decrementAndGet();
        }
    }

    /** {@code llama3.2:latest} → {@code registry.ollama.ai/library/llama3.2:latest}, as in Ollama's tools error. */
    private static String registryName(String name) {
        var slashes = name.chars().filter(c -> c == '/').count();
        return slashes == 0 ? "registry.ollama.ai/library/" + name
                : slashes == 1 ? "registry.ollama.ai/" + name : name;
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        var headers = new LinkedHashMap<String, List<String>>();
        for (var name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }
}

package dev.idleclaw.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Client for a local Ollama's native API (ollama-api.md §10): {@code /api/tags}, {@code /api/version},
 * {@code /api/show} and streamed {@code /api/chat}. HTTP/1.1 only (no h2c upgrade headers), a connect timeout, and
 * an idle-read timeout between NDJSON lines instead of a total timeout. Metadata calls use the JDK client; chats
 * use plain sockets ({@link HttpStream}) kept alive between chats, the cheapest path to the first token. Thread-safe.
 */
public final class OllamaClient implements AutoCloseable {
    /** Ollama normally runs on this machine: if it does not accept a connection this fast, it is not running. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Loading a big model from a slow disk can take minutes before the first line; only silence beyond that is fatal. */
    public static final Duration DEFAULT_IDLE_READ_TIMEOUT = Duration.ofMinutes(5);
    /** Upstream nodes cache the health probe for 5 s, so a burst of requests costs one probe. */
    public static final Duration DEFAULT_HEALTH_TTL = Duration.ofSeconds(5);
    /** Listing, version and show answer from local metadata; longer than this means Ollama is wedged. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;
    private final ConnectionPool chats = new ConnectionPool();
    private final Duration connectTimeout;
    private final Duration idleRead;
    private final Duration healthTtl;
    private final Object healthLock = new Object();
    private volatile long healthCheckedNanos;
    private volatile Boolean healthy;

    public OllamaClient(URI base) {
        this(base, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_READ_TIMEOUT, DEFAULT_HEALTH_TTL);
    }

    public OllamaClient(URI base, Duration connectTimeout, Duration idleReadTimeout, Duration healthTtl) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.connectTimeout = connectTimeout;
        this.idleRead = idleReadTimeout;
        this.healthTtl = healthTtl;
    }

    public URI baseUrl() {
        return base;
    }

    /** The local models ({@code GET /api/tags}); entries without a name are skipped. */
    public List<OllamaModel> tags() throws OllamaException {
        JsonNode models = get("/api/tags").path("models");
        List<OllamaModel> out = new ArrayList<>();
        for (JsonNode m : models) {
            String name = Json.text(m, "name") != null ? Json.text(m, "name") : Json.text(m, "model");
            if (name == null || name.isEmpty()) continue;
            out.add(new OllamaModel(name, m.path("size").asLong(0), Json.text(m, "digest"), Json.text(m, "modified_at"),
                    m.get("details") instanceof ObjectNode d ? d : null, strings(m.get("capabilities"))));
        }
        return List.copyOf(out);
    }

    /** Ollama's build version ({@code GET /api/version}). */
    public String version() throws OllamaException {
        String v = Json.text(get("/api/version"), "version");
        if (v == null) throw OllamaException.failed("Ollama /api/version has no version", null);
        return v;
    }

    /** The model's capabilities from {@code POST /api/show} ({@code thinking}, {@code tools}, …); empty if not listed. */
    public List<String> show(String model) throws OllamaException {
        return describe(model).capabilities();
    }

    /**
     * What {@code POST /api/show} says of a model: its capabilities (empty if not listed) and its trained context
     * window ({@code model_info["<general.architecture>.context_length"]}, null if absent).
     */
    public record Shown(List<String> capabilities, Integer contextLength) {}

    public Shown describe(String model) throws OllamaException {
        JsonNode shown = post("/api/show", Json.object().put("model", model));
        JsonNode info = shown.path("model_info");
        String arch = info.path("general.architecture").asText("");
        JsonNode ctx = info.path(arch + ".context_length");
        Integer context = !arch.isEmpty() && ctx.canConvertToInt() && ctx.intValue() > 0 ? ctx.intValue() : null;
        return new Shown(strings(shown.get("capabilities")), context);
    }

    /** True when {@code GET /api/tags} answered 200 within the last health TTL (the answer is cached that long). */
    public boolean health() {
        synchronized (healthLock) {
            Boolean cached = healthy;
            if (cached != null && System.nanoTime() - healthCheckedNanos < healthTtl.toNanos()) return cached;
            boolean ok;
            try {
                get("/api/tags");
                ok = true;
            } catch (OllamaException e) {
                ok = false;
            }
            healthy = ok;
            healthCheckedNanos = System.nanoTime();
            return ok;
        }
    }

    /** Drops the cached health answer, e.g. after a chat found Ollama unreachable. */
    public void forgetHealth() {
        healthy = null;
    }

    /**
     * Runs a streamed chat on this thread, handing every line to {@code handler} (see {@link ChatCall#stream}).
     * It cannot be cancelled from outside; use {@link #chat(ObjectNode)} for a call with a cancel handle.
     */
    public ChatCall.Outcome chat(ObjectNode params, LineHandler handler) throws OllamaException {
        return chat(params).stream(handler);
    }

    /**
     * A streamed chat with these exact parameters and a cancel handle; nothing is sent until
     * {@link ChatCall#stream}. {@link ChatCall#cancel()} from another thread closes the stream (stops generation).
     */
    public ChatCall chat(ObjectNode params) {
        return new ChatCall(uri("/api/chat"), chats, Json.write(params).getBytes(StandardCharsets.UTF_8), connectTimeout, idleRead);
    }

    /**
     * {@code POST /api/embed} with {@code body} as given; the answer's JSON object. It may load the model first, so it
     * may take up to the idle-read timeout; interrupting the calling thread abandons it.
     */
    public JsonNode embed(ObjectNode body) throws OllamaException {
        return send("/api/embed", HttpRequest.newBuilder(uri("/api/embed")).timeout(idleRead)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    @Override
    public void close() {
        http.shutdownNow();
        chats.close();
    }

    private JsonNode get(String path) throws OllamaException {
        return send(path, HttpRequest.newBuilder(uri(path)).timeout(METADATA_TIMEOUT).GET().build());
    }

    private JsonNode post(String path, ObjectNode body) throws OllamaException {
        return send(path, HttpRequest.newBuilder(uri(path)).timeout(METADATA_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    private JsonNode send(String path, HttpRequest request) throws OllamaException {
        try {
            var response = http.send(request, BodyHandlers.ofByteArray());
            JsonNode json = parseOrNull(response.body());
            if (response.statusCode() != 200) {
                String error = Json.text(json, "error");
                throw OllamaException.status(path, response.statusCode(), error != null ? error : "(no error text)");
            }
            if (json == null || !json.isObject()) throw OllamaException.failed("Ollama " + path + " did not return a JSON object", null);
            return json;
        } catch (IOException | RuntimeException e) {
            throw classify(request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OllamaException.failed("interrupted while calling Ollama " + path, e);
        }
    }

    /** Maps a transport failure: no connection at all means "unreachable", anything else "failed". */
    static OllamaException classify(URI uri, Throwable e) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e instanceof UnresolvedAddressException || e instanceof IllegalArgumentException
                || e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
            return OllamaException.unreachable(uri.getScheme() + "://" + uri.getRawAuthority(), e);
        }
        return OllamaException.failed("calling Ollama " + uri.getPath() + " failed: " + e, e);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static JsonNode parseOrNull(byte[] body) {
        try {
            return body.length == 0 ? null : Json.parse(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> strings(JsonNode arr) {
        if (arr == null || !arr.isArray()) return List.of();
        List<String> out = new ArrayList<>();
        for (JsonNode v : arr) if (v.isTextual()) out.add(v.textValue());
        return List.copyOf(out);
    }
}

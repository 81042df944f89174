package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Ollama for node tests: {@code /api/tags}, {@code /api/version}, {@code /api/show} and a scripted
 * streaming {@code /api/chat} (raw NDJSON lines with a delay between them). Records chat bodies and counts open
 * streams, so tests can see that a cancel closed the connection.
 */
final class FakeOllama implements AutoCloseable {
    /** A chat reply: these exact lines, {@code delay} apart, after an HTTP {@code status}. */
    record Reply(int status, List<String> lines, Duration delay) {}

    private final Javalin app;
    private final List<ObjectNode> models = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> capabilities = new ConcurrentHashMap<>();
    private final List<ObjectNode> chatBodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger clientClosed = new AtomicInteger();
    private volatile Reply reply = new Reply(200, tokens("m", "Hello", " there"), Duration.ZERO);

    private FakeOllama() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.routes.get("/api/tags", ctx -> {
                var body = Json.object();
                var arr = body.putArray("models");
                models.forEach(arr::add);
                ctx.contentType("application/json").result(Json.write(body));
            });
            cfg.routes.get("/api/version", ctx -> ctx.contentType("application/json").result("{\"version\":\"0.12.6\"}"));
            cfg.routes.post("/api/show", ctx -> {
                String model = Json.text(Json.parse(ctx.body()), "model");
                var caps = capabilities.get(model);
                if (caps == null) {
                    ctx.status(404).result("{\"error\":\"model '" + model + "' not found\"}");
                    return;
                }
                var body = Json.object().putObject("details").put("format", "gguf");
                var out = Json.object();
                out.set("details", body);
                out.putObject("model_info");
                var arr = out.putArray("capabilities");
                caps.forEach(arr::add);
                ctx.contentType("application/json").result(Json.write(out));
            });
            cfg.routes.post("/api/chat", this::chat);
        }).start("127.0.0.1", 0);
    }

    static FakeOllama start() {
        return new FakeOllama();
    }

    /** Adds a model to {@code /api/tags}; {@code caps} null makes its {@code /api/show} answer 404. */
    FakeOllama model(String name, long size, List<String> caps) {
        var m = Json.object().put("name", name).put("model", name)
                .put("modified_at", "2025-05-04T17:37:44.706015396-07:00").put("size", size)
                .put("digest", "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72");
        var d = m.putObject("details").put("parent_model", "").put("format", "gguf").put("family", "llama");
        d.putNull("families");
        d.put("parameter_size", "3.2B").put("quantization_level", "Q4_K_M");
        m.put("remote_host", "ignored-extra-key");
        models.add(m);
        if (caps != null) capabilities.put(name, caps);
        return this;
    }

    FakeOllama reply(List<String> lines) {
        return reply(lines, Duration.ZERO);
    }

    FakeOllama reply(List<String> lines, Duration delay) {
        reply = new Reply(200, lines, delay);
        return this;
    }

    FakeOllama replyStatus(int status, String body) {
        reply = new Reply(status, List.of(body), Duration.ZERO);
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    List<ObjectNode> chatBodies() {
        return chatBodies;
    }

    int openStreams() {
        return openStreams.get();
    }

    /** Chat streams that ended because the client closed the connection. */
    int closedByClient() {
        return clientClosed.get();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** Ollama's streaming lines for these content pieces, then the final {@code done:true} with metrics. */
    static List<String> tokens(String model, String... pieces) {
        List<String> lines = new ArrayList<>();
        for (String p : pieces) {
            lines.add("{\"model\":\"" + model + "\",\"created_at\":\"2025-07-07T20:22:19.184789Z\",\"message\":"
                    + "{\"role\":\"assistant\",\"content\":" + Json.quote(p) + "},\"done\":false}");
        }
        lines.add(done(model));
        return lines;
    }

    static String done(String model) {
        return "{\"model\":\"" + model + "\",\"created_at\":\"2025-07-07T20:22:19.21914Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":182242375,"
                + "\"load_duration\":41295167,\"prompt_eval_count\":26,\"prompt_eval_duration\":24573166,"
                + "\"eval_count\":3,\"eval_duration\":115959084}";
    }

    private void chat(Context ctx) throws Exception {
        chatBodies.add((ObjectNode) Json.parse(ctx.body()));
        var r = reply;
        if (r.status() != 200) {
            ctx.status(r.status()).contentType("application/json").result(r.lines().getFirst());
            return;
        }
        ctx.contentType("application/x-ndjson");
        var out = ctx.res().getOutputStream();
        openStreams.incrementAndGet();
        try {
            for (String line : r.lines()) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!r.delay().isZero()) Thread.sleep(r.delay());
            }
        } catch (IOException e) {
            clientClosed.incrementAndGet();
        } finally {
            openStreams.decrementAndGet();
        }
    }
}

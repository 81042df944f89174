package dev.idleclaw.front.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.front.Headers;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.relay.EmbedRelay;
import dev.idleclaw.registry.ModelCatalog;
import dev.idleclaw.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The embeddings doors: Ollama's {@code POST /api/embed} and legacy {@code POST /api/embeddings}, and OpenAI's
 * {@code POST /v1/embeddings} (float or base64: little-endian float32). Each answers errors in its own dialect, and
 * an accepted receipt in the {@code x-lobstah-receipt} header, as the chat doors do for non-streamed answers.
 */
public final class EmbedDoor {
    private final EmbedRelay relay;
    private final ModelCatalog catalog;

    public EmbedDoor(EmbedRelay relay, ModelCatalog catalog) {
        this.relay = relay;
        this.catalog = catalog;
    }

    /** {@code POST /api/embed}: {@code input} a string or a list; no input only checks the model, as Ollama's load. */
    public void embed(Context ctx) throws InterruptedException {
        long start = System.nanoTime();
        EmbedRequests.Parsed p;
        try {
            JsonNode body = BodyJson.object(ctx.bodyAsBytes());
            String model = EmbedRequests.model(body);
            p = EmbedRequests.ollama(body, model, EmbedRequests.input(body, "input", true));
        } catch (DoorError e) {
            ollamaError(ctx, e.status(), e.getMessage());
            return;
        }
        ObjectNode out = Json.object().put("model", p.model());
        var all = out.putArray("embeddings");
        long tokens = 0;
        if (!p.input().isEmpty()) {
            var done = run(ctx, "ollama", p, true);
            if (done == null) return;
            for (float[] v : done.embeddings()) {
                var vector = all.addArray();
                for (float x : v) vector.add(x);
            }
            tokens = done.promptTokens();
        } else if (catalog.findListed(catalog.resolve(p.model())).isEmpty()) {
            ollamaError(ctx, 404, "model '" + p.model() + "' not found");
            return;
        }
        out.put("total_duration", System.nanoTime() - start).put("load_duration", 0).put("prompt_eval_count", tokens);
        json(ctx, 200, out);
    }

    /** {@code POST /api/embeddings} (deprecated by Ollama, still used): one {@code prompt}, one {@code embedding}. */
    public void embeddings(Context ctx) throws InterruptedException {
        EmbedRequests.Parsed p;
        try {
            JsonNode body = BodyJson.object(ctx.bodyAsBytes());
            String model = EmbedRequests.model(body);
            JsonNode prompt = body.get("prompt");
            if (prompt != null && !prompt.isNull() && !prompt.isTextual()) throw new DoorError(400, "prompt must be a string");
            String text = prompt == null || prompt.isNull() ? "" : prompt.textValue();
            if (text.length() > dev.idleclaw.wire.WireLimits.MAX_EMBED_INPUT_CHARS) {
                throw new DoorError(400, "prompt is " + text.length() + " characters long (at most "
                        + dev.idleclaw.wire.WireLimits.MAX_EMBED_INPUT_CHARS + ")");
            }
            p = EmbedRequests.ollama(body, model, text.isEmpty() ? List.of() : List.of(text));
        } catch (DoorError e) {
            ollamaError(ctx, e.status(), e.getMessage());
            return;
        }
        ObjectNode out = Json.object();
        var vector = out.putArray("embedding");
        if (p.input().isEmpty()) {
            if (catalog.findListed(catalog.resolve(p.model())).isEmpty()) {
                ollamaError(ctx, 404, "model '" + p.model() + "' not found");
                return;
            }
        } else {
            var done = run(ctx, "ollama", p, true);
            if (done == null) return;
            for (float x : done.embeddings().getFirst()) vector.add((double) x);
        }
        json(ctx, 200, out);
    }

    /** {@code POST /v1/embeddings}. */
    public void openAi(Context ctx) throws IOException, InterruptedException {
        EmbedRequests.Parsed p;
        boolean base64;
        try {
            JsonNode body = BodyJson.object(ctx.bodyAsBytes());
            String model = EmbedRequests.model(body);
            List<String> input = EmbedRequests.input(body, "input", false);
            if (input.isEmpty()) throw new DoorError(400, "input must not be empty");
            String format = body.path("encoding_format").asText("float");
            if (!format.equals("float") && !format.equals("base64")) throw new DoorError(400, "encoding_format must be float or base64");
            base64 = format.equals("base64");
            p = new EmbedRequests.Parsed(model, input, EmbedRequests.dimensions(body), null, null, null);
        } catch (DoorError e) {
            OpenAiDoor.error(ctx.res(), e.status(), e.getMessage(), null);
            return;
        }
        var done = run(ctx, "openai", p, false);
        if (done == null) return;
        ObjectNode out = Json.object().put("object", "list");
        var data = out.putArray("data");
        for (int i = 0; i < done.embeddings().size(); i++) {
            var item = data.addObject().put("object", "embedding").put("index", i);
            float[] v = done.embeddings().get(i);
            if (base64) {
                item.put("embedding", base64(v));
            } else {
                var vector = item.putArray("embedding");
                for (float x : v) vector.add(x);
            }
        }
        out.put("model", p.model());
        out.putObject("usage").put("prompt_tokens", done.promptTokens()).put("total_tokens", done.promptTokens());
        json(ctx, 200, out);
    }

    /** Little-endian float32s in base64, as OpenAI's {@code encoding_format: base64}. */
    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** Runs the request; null after answering its failure in the door's dialect. */
    private EmbedRelay.Outcome.Embedded run(Context ctx, String door, EmbedRequests.Parsed p, boolean ollama)
            throws InterruptedException {
        var job = new EmbedRelay.Job(door, catalog.resolve(p.model()), p.input(), p.dimensions(), p.truncate(), p.keepAlive(),
                p.options(), Caller.of(ctx));
        var outcome = relay.run(job);
        if (outcome instanceof EmbedRelay.Outcome.Embedded e) {
            if (e.receipt() != null) ctx.header(Headers.RECEIPT, e.receipt());
            return e;
        }
        String model = p.model();
        int status;
        String message, code = null;
        switch (outcome) {
            case EmbedRelay.Outcome.UnknownModel u -> {
                status = 404;
                message = "model '" + model + "' not found";
                code = "model_not_found";
            }
            case EmbedRelay.Outcome.NoEmbeddingNode n -> {
                status = 501;
                message = "no node serves embeddings for model '" + model + "': the nodes that serve it run software without embedding support";
            }
            case EmbedRelay.Outcome.Busy b -> {
                status = 503;
                message = "all nodes serving embeddings for '" + model + "' are busy, please try again";
                ctx.header(Headers.RETRY_AFTER, Long.toString(b.retryAfterSeconds()));
            }
            case EmbedRelay.Outcome.Invalid i -> {
                status = 400;
                message = "the node's Ollama refused this request for '" + model
                          + "' (is it an embedding model, and are the dimensions within its embedding length?)";
            }
            case EmbedRelay.Outcome.Refused r -> {
                // Another hub of the cluster refused it as the consumer's fault: its status and words, unchanged.
                status = r.status();
                message = r.message() != null ? r.message() : "the request was refused for '" + model + "'";
            }
            case EmbedRelay.Outcome.Failed f -> {
                status = 502;
                message = "embedding failed: " + f.why();
            }
            case EmbedRelay.Outcome.Embedded e -> throw new IllegalStateException("unreachable");
        }
        if (ollama) {
            ollamaError(ctx, status, message);
        } else {
            try {
                OpenAiDoor.error(ctx.res(), status, message, code);
            } catch (IOException gone) {
                // the client left; nothing to answer
            }
        }
        return null;
    }

    private static void ollamaError(Context ctx, int status, String message) {
        json(ctx, status, Json.object().put("error", message));
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}

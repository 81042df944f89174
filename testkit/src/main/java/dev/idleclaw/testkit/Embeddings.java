package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.testkit.Wire.BadRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Ollama's {@code POST /api/embed} and legacy {@code POST /api/embeddings}. Each text gets a deterministic unit vector
 * of {@link #DIMENSIONS} numbers seeded by its SHA-256, so tests can recompute what a node must have returned.
 */
public final class Embeddings {
    /** nomic-embed-text's embedding length. */
    public static final int DIMENSIONS = 768;
    /** Rough tokens per character of English, for {@code prompt_eval_count}. */
    private static final int CHARS_PER_TOKEN = 4;
    /** The stand-in's fixed load and per-input compute durations (nanoseconds), as Ollama reports them. */
    private static final long LOAD_NANOS = 1_000_000, PER_INPUT_NANOS = 2_000_000;

    private Embeddings() {}

    /** The vector the stand-in returns for {@code text}: unit length, or its first {@code dimensions} renormalized. */
    public static float[] vector(String text, int dimensions) {
        var random = new SplittableRandom(seed(text));
        double[] v = new double[DIMENSIONS];
        for (int i = 0; i < v.length; i++) v[i] = random.nextDouble(-1, 1);
        double norm = 0;
        for (int i = 0; i < dimensions; i++) norm += v[i] * v[i];
        norm = Math.sqrt(norm);
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) out[i] = (float) (v[i] / norm);
        return out;
    }

    static ObjectNode embed(byte[] body, Function<String, StandInModel> find) throws BadRequest {
        JsonNode request = Wire.parse(body);
        StandInModel model = model(request, find);
        List<String> inputs = new ArrayList<>();
        JsonNode input = request.get("input");
        if (input == null || input.isNull()) {
            // Ollama answers an empty list (it only loads the model).
        } else if (input.isTextual()) {
            inputs.add(input.textValue());
        } else if (input.isArray()) {
            for (JsonNode t : input) {
                if (!t.isTextual()) throw new BadRequest(400, "invalid input type");
                inputs.add(t.textValue());
            }
        } else {
            throw new BadRequest(400, "invalid input type");
        }
        for (String t : inputs) if (t.isEmpty()) throw new BadRequest(400, "input cannot be empty");
        int dimensions = DIMENSIONS;
        JsonNode d = request.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || d.intValue() < 1 || d.intValue() > DIMENSIONS) {
                throw new BadRequest(400, "invalid dimensions: the model's embedding length is " + DIMENSIONS);
            }
            dimensions = d.intValue();
        }
        var out = Wire.object().put("model", request.path("model").asText());
        var all = out.putArray("embeddings");
        long tokens = 0;
        for (String t : inputs) {
            var vector = all.addArray();
            for (float x : vector(t, dimensions)) vector.add(x);
            tokens += tokens(t);
        }
        return out.put("total_duration", LOAD_NANOS + PER_INPUT_NANOS * inputs.size()).put("load_duration", LOAD_NANOS)
                .put("prompt_eval_count", tokens);
    }

    static ObjectNode legacy(byte[] body, Function<String, StandInModel> find) throws BadRequest {
        JsonNode request = Wire.parse(body);
        model(request, find);
        var out = Wire.object();
        var vector = out.putArray("embedding");
        String prompt = request.path("prompt").asText("");
        if (!prompt.isEmpty()) for (float x : vector(prompt, DIMENSIONS)) vector.add((double) x);
        return out;
    }

    private static StandInModel model(JsonNode request, Function<String, StandInModel> find) throws BadRequest {
        String name = request.path("model").asText("");
        if (name.isEmpty()) throw new BadRequest(400, "model is required");
        StandInModel m = find.apply(name);
        if (m == null) throw new BadRequest(404, "model \"" + name + "\" not found, try pulling it first");
        if (!m.can("embedding")) throw new BadRequest(400, "\"" + name + "\" does not support embeddings");
        return m;
    }

    private static long tokens(String text) {
        return Math.max(1, (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    private static long seed(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < Long.BYTES; i++) s = (s << 8) | (h[i] & 0xff);
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

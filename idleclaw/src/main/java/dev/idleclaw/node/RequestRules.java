package dev.idleclaw.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.MessageLimits;
import java.util.List;
import java.util.Map;

/**
 * The node-side checks on a hub's {@code ollama_params} (idleclaw-wire.md §5): key whitelist (others dropped
 * silently), registered model, at most 50 messages with known roles and string contents of at most 10,000
 * characters. A valid request is reshaped for Ollama: {@code stream:true} is forced, and {@code think}/{@code tools}
 * are dropped for models whose capabilities are known and lack them (Ollama would answer 400).
 */
public final class RequestRules {
    /** Exactly the keys upstream nodes forward to Ollama. */
    public static final List<String> ALLOWED_KEYS =
            List.of("model", "messages", "stream", "think", "keep_alive", "options", "tools", "format");

    /** Outcome of {@link #check}. */
    public sealed interface Verdict {
        /** Forward {@code params} to Ollama as they are. */
        record Forward(ObjectNode params) implements Verdict {}

        /** Answer {@code invalid_request}; {@code why} is for the log only (never content). */
        record Reject(String why) implements Verdict {}
    }

    /** Registered model name → its Ollama capabilities (empty list = unknown). */
    private final Map<String, List<String>> models;

    public RequestRules(Map<String, List<String>> models) {
        this.models = Map.copyOf(models);
    }

    /** Whether {@code model} is one this node registered. */
    public boolean registered(String model) {
        return models.containsKey(model);
    }

    public Verdict check(ObjectNode params) {
        ObjectNode out = Json.object();
        for (String key : ALLOWED_KEYS) if (params.has(key)) out.set(key, params.get(key));

        JsonNode model = out.get("model");
        if (model == null || !model.isTextual() || !models.containsKey(model.textValue())) {
            return new Verdict.Reject("model is not one this node registered");
        }
        String invalid = MessageLimits.violation(out.get("messages"));
        if (invalid != null) return new Verdict.Reject(invalid);
        out.put("stream", true);
        List<String> caps = models.get(model.textValue());
        if (!caps.isEmpty()) {
            if (!caps.contains("thinking")) out.remove("think");
            if (!caps.contains("tools")) out.remove("tools");
        }
        return new Verdict.Forward(out);
    }
}

package dev.idleclaw.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.MessageLimits;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.RequestSize;
import java.util.List;
import java.util.Map;

/**
 * The node-side checks on a hub's {@code ollama_params} (idleclaw-wire.md §5): key whitelist (others dropped
 * silently), registered model, messages with known roles within the node's {@link NodeLimits}, and a prompt that
 * fits the model's context window. A valid request is reshaped for Ollama: {@code stream:true} is forced,
 * {@code think}/{@code tools} are dropped for models whose capabilities are known and lack them (Ollama would answer
 * 400), and {@code options.num_ctx} is set so that a long prompt is never silently cut ({@link #fitContext}).
 */
public final class RequestRules {
    /** Exactly the keys upstream nodes forward to Ollama. */
    public static final List<String> ALLOWED_KEYS =
            List.of("model", "messages", "stream", "think", "keep_alive", "options", "tools", "format");
    /** Ollama's context when a request sets no {@code num_ctx}: a longer prompt is cut from the front, silently. */
    static final int OLLAMA_DEFAULT_CONTEXT = 4_096;
    /** Room left for the answer when the request does not cap it with {@code num_predict}: a reply with tool calls. */
    static final int ANSWER_BUDGET_TOKENS = 2_048;
    /** Ollama reloads a model when {@code num_ctx} changes, so sizes are rounded up to a few distinct values. */
    static final int CONTEXT_STEP = 8_192;

    /** Outcome of {@link #check}. */
    public sealed interface Verdict {
        /** Forward {@code params} to Ollama as they are. */
        record Forward(ObjectNode params) implements Verdict {}

        /** Answer {@code invalid_request}; {@code why} is for the log only (never content). */
        record Reject(String why) implements Verdict {}
    }

    /** Registered model name → its Ollama capabilities (empty list = unknown). */
    private final Map<String, List<String>> models;
    /** Registered model name → its trained context window, for the models whose {@code /api/show} reports one. */
    private final Map<String, Integer> contexts;
    private final NodeLimits limits;

    public RequestRules(Map<String, List<String>> models, Map<String, Integer> contexts, NodeLimits limits) {
        this.models = Map.copyOf(models);
        this.contexts = Map.copyOf(contexts);
        this.limits = limits;
    }

    /** Rules with an original node's limits and no known context windows. */
    public RequestRules(Map<String, List<String>> models) {
        this(models, Map.of(), NodeLimits.ORIGINAL);
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
        String invalid = MessageLimits.violation(out.get("messages"), limits);
        if (invalid != null) return new Verdict.Reject(invalid);
        String unfit = fitContext(out, contexts.get(model.textValue()));
        if (unfit != null) return new Verdict.Reject(unfit);
        out.put("stream", true);
        List<String> caps = models.get(model.textValue());
        if (!caps.isEmpty()) {
            if (!caps.contains("thinking")) out.remove("think");
            if (!caps.contains("tools")) out.remove("tools");
        }
        return new Verdict.Forward(out);
    }

    /**
     * Unless the request chose {@code options.num_ctx}, sets it to fit the prompt (estimated generously, see
     * {@link RequestSize#generousTokens}) plus the answer ({@code num_predict}, else {@link #ANSWER_BUDGET_TOKENS}),
     * rounded up to {@link #CONTEXT_STEP} and capped at the model's context window; leaves it unset when Ollama's
     * default already fits. Returns why the prompt cannot fit (its typical estimate exceeds the window), else null.
     */
    static String fitContext(ObjectNode params, Integer modelContext) {
        JsonNode options = params.get("options");
        if (options instanceof ObjectNode o && o.has("num_ctx")) return null;
        if (options != null && !options.isObject() && !options.isNull()) return null; // Ollama answers that one itself
        RequestSize size = RequestSize.of(params);
        if (modelContext != null && size.typicalTokens() > modelContext) {
            return "a prompt of about " + size.typicalTokens() + " tokens does not fit the model's context of "
                   + modelContext + " tokens";
        }
        int answer = options != null && options.path("num_predict").canConvertToInt() && options.path("num_predict").intValue() > 0
                ? options.path("num_predict").intValue() : ANSWER_BUDGET_TOKENS;
        long need = size.generousTokens() + answer;
        if (need <= OLLAMA_DEFAULT_CONTEXT) return null;
        long fitted = (need + CONTEXT_STEP - 1) / CONTEXT_STEP * CONTEXT_STEP;
        if (modelContext != null) fitted = Math.min(fitted, modelContext);
        ObjectNode withCtx = options instanceof ObjectNode o ? o.deepCopy() : Json.object();
        withCtx.put("num_ctx", fitted);
        params.set("options", withCtx);
        return null;
    }
}

package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Greedy decoding options: {@code options.temperature: 0} and a fixed {@code options.seed}, other options kept. */
final class Greedy {
    private Greedy() {}

    /** {@code params} with greedy options set (changed in place and returned). */
    static ObjectNode apply(ObjectNode params, long seed) {
        JsonNode existing = params.get("options");
        ObjectNode options = existing instanceof ObjectNode o ? o.deepCopy() : params.objectNode();
        options.put("temperature", 0).put("seed", seed);
        params.set("options", options);
        return params;
    }

    /** Whether the consumer chose sampling itself: a temperature or a seed in {@code params}' options. */
    static boolean chosenByConsumer(ObjectNode params) {
        JsonNode options = params.get("options");
        return options != null && (options.has("temperature") || options.has("seed"));
    }
}

package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{model}} bodies as Ollama's OpenAI layer builds them from
 * {@code /api/tags} and {@code /api/show} ({@code openai.ToListCompletion}, {@code ToModel}).
 */
final class OpenAiModels {
    /** The namespace of a name without one, which Ollama reports as {@code owned_by}. */
    private static final String DEFAULT_NAMESPACE = "library";

    private OpenAiModels() {}

    /** {@code {"object":"list","data":[…]}} in /api/tags order; {@code "data":null} without models (Go's nil slice). */
    static ObjectNode list(List<StandInModel> newestFirst) {
        var root = Wire.object().put("object", "list");
        if (newestFirst.isEmpty()) {
            root.putNull("data");
            return root;
        }
        var data = root.putArray("data");
        newestFirst.forEach(m -> data.add(model(m.name(), m)));
        return root;
    }

    /** One model; {@code id} and {@code owned_by} come from the name as requested, not the stored one. */
    static ObjectNode model(String requested, StandInModel m) {
        return Wire.object().put("id", requested).put("object", "model")
                .put("created", OffsetDateTime.parse(m.modifiedAt()).toEpochSecond())
                .put("owned_by", namespace(requested));
    }

    /** {@code [host/][namespace/]model[:tag]} → the namespace, {@value #DEFAULT_NAMESPACE} when absent. */
    static String namespace(String name) {
        var parts = name.split("/", -1);
        return switch (parts.length) {
            case 1 -> DEFAULT_NAMESPACE;
            case 2 -> parts[0];
            case 3 -> parts[1];
            default -> ""; // not a valid model name: Go's zero Name
        };
    }
}

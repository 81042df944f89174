package dev.idleclaw.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.List;

/**
 * Reduces one Ollama NDJSON line to what a node may send as an {@code inference_chunk} (idleclaw-wire.md §4.2,
 * §5): {@code chunk ⊆ {message, done, done_reason}}, {@code message ⊆ {role, content, thinking, tool_calls}};
 * null, {@code ""} and {@code []} values are dropped, then {@code role} defaults to {@code assistant} and
 * {@code content} to {@code ""}. The final {@code done:true} chunk also carries Ollama's six metrics (OURS).
 */
public final class ChunkFilter {
    /** Response whitelist for {@code message}. */
    public static final List<String> MESSAGE_KEYS = List.of("role", "content", "thinking", "tool_calls");
    /** Ollama's token counts and durations, copied onto the final chunk. */
    public static final List<String> METRICS = List.of("total_duration", "load_duration", "prompt_eval_count",
            "prompt_eval_duration", "eval_count", "eval_duration");

    private ChunkFilter() {}

    public static ObjectNode relay(ObjectNode line) {
        ObjectNode message = Json.object();
        JsonNode in = line.path("message");
        for (String key : MESSAGE_KEYS) {
            JsonNode v = in.get(key);
            if (!empty(v)) message.set(key, v);
        }
        if (!message.has("role")) message.put("role", "assistant");
        if (!message.has("content")) message.put("content", "");

        ObjectNode chunk = Json.object();
        chunk.set("message", message);
        boolean done = line.path("done").asBoolean(false);
        chunk.put("done", done);
        JsonNode reason = line.get("done_reason");
        if (!empty(reason)) chunk.set("done_reason", reason);
        if (done) {
            for (String key : METRICS) {
                JsonNode v = line.get(key);
                if (v != null && v.isNumber()) chunk.set(key, v);
            }
        }
        return chunk;
    }

    /** The same chunk with its message cut to {@code {role, content:""}}, for a final chunk too big to send. */
    public static ObjectNode withoutPayload(ObjectNode chunk) {
        ObjectNode copy = chunk.deepCopy();
        copy.set("message", Json.object().put("role", "assistant").put("content", ""));
        return copy;
    }

    private static boolean empty(JsonNode v) {
        return v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty()) || (v.isArray() && v.isEmpty());
    }
}

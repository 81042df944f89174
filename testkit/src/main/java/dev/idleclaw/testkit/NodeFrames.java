package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node-to-hub messages of the IdleClaw node protocol that carry an answer, with Ollama's native chunks inside
 * ({@code message} before {@code done}, as Ollama writes them; no {@code model}/{@code created_at}, which nodes may
 * leave to the hub).
 */
final class NodeFrames {
    private NodeFrames() {}

    static ObjectNode object() {
        return NodeRegistration.MAPPER.createObjectNode();
    }

    static ObjectNode chunkFrame(String requestId, JsonNode chunk) {
        ObjectNode m = object().put("type", "inference_chunk").put("request_id", requestId);
        m.set("chunk", chunk);
        return m;
    }

    /** A non-final chunk whose assistant message has {@code content} (and {@code thinking}, when not null). */
    static ObjectNode text(String content, String thinking) {
        ObjectNode c = object();
        ObjectNode msg = c.putObject("message").put("role", "assistant").put("content", content);
        if (thinking != null) msg.put("thinking", thinking);
        return c.put("done", false);
    }

    /** A non-final chunk carrying {@code calls}, an array of Ollama tool calls. */
    static ObjectNode toolCalls(ArrayNode calls) {
        ObjectNode c = object();
        c.putObject("message").put("role", "assistant").put("content", "").set("tool_calls", calls);
        return c.put("done", false);
    }

    /** The final chunk as an original IdleClaw node sends it: message, done and done_reason, no metrics. */
    static ObjectNode done(String reason) {
        ObjectNode c = object();
        c.putObject("message").put("role", "assistant").put("content", "");
        return c.put("done", true).put("done_reason", reason);
    }

    /** The final chunk with {@code reason} and the six metrics of Ollama's documented example answer. */
    static ObjectNode doneWithMetrics(String reason) {
        return done(reason).put("total_duration", 182242375).put("load_duration", 41295167).put("prompt_eval_count", 26)
                .put("prompt_eval_duration", 24573166).put("eval_count", 3).put("eval_duration", 115959084);
    }

    static ObjectNode error(String requestId, String code) {
        return object().put("type", "inference_error").put("request_id", requestId).put("error", code);
    }

    static ObjectNode heartbeat(String nodeId, int activeRequests, boolean available) {
        return object().put("type", "heartbeat").put("node_id", nodeId).put("active_requests", activeRequests)
                .put("available", available);
    }
}

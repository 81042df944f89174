package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;

/**
 * The translation between a node's world (Ollama {@code /api/chat} parameters and chunks) and a peer's OpenAI Chat
 * Completions API, in the subset every peer accepts (lobstah-wire.md §7: model, text messages, temperature,
 * top_p, max_tokens, stream).
 */
final class OpenAiBody {
    private OpenAiBody() {}

    /** A streamed OpenAI request with usage for the Ollama parameters {@code params}. */
    static ObjectNode of(JsonNode params) {
        ObjectNode o = Json.object().put("model", params.path("model").asText());
        var messages = o.putArray("messages");
        for (JsonNode m : params.path("messages")) {
            String role = m.path("role").asText("user");
            messages.addObject().put("role", role.equals("tool") || role.equals("system") || role.equals("assistant") ? role : "user")
                    .put("content", m.path("content").asText(""));
        }
        JsonNode options = params.path("options");
        if (options.path("temperature").isNumber()) o.set("temperature", options.get("temperature"));
        if (options.path("top_p").isNumber()) o.set("top_p", options.get("top_p"));
        if (options.path("num_predict").canConvertToInt() && options.get("num_predict").asInt() > 0) o.put("max_tokens", options.get("num_predict").asInt());
        o.put("stream", true);
        o.putObject("stream_options").put("include_usage", true);
        return o;
    }

    /** An Ollama chunk for one OpenAI delta, or null when it carries nothing to relay. */
    static ObjectNode chunk(JsonNode delta) {
        String content = delta.path("content").asText("");
        String thinking = delta.path("reasoning").isTextual() ? delta.get("reasoning").asText()
                : delta.path("reasoning_content").asText("");
        if (content.isEmpty() && thinking.isEmpty()) return null;
        ObjectNode chunk = Json.object();
        ObjectNode message = chunk.putObject("message").put("role", "assistant").put("content", content);
        if (!thinking.isEmpty()) message.put("thinking", thinking);
        return chunk.put("done", false);
    }

    /** The final Ollama chunk: the finish reason and the token counts of OpenAI's usage (zeros when absent). */
    static ObjectNode endChunk(String finish, JsonNode usage) {
        ObjectNode chunk = Json.object();
        chunk.putObject("message").put("role", "assistant").put("content", "");
        chunk.put("done", true).put("done_reason", "length".equals(finish) ? "length" : "stop");
        long prompt = usage == null ? 0 : usage.path("prompt_tokens").asLong(0);
        long completion = usage == null ? 0 : usage.path("completion_tokens").asLong(0);
        return chunk.put("total_duration", 0).put("load_duration", 0).put("prompt_eval_count", prompt)
                .put("prompt_eval_duration", 0).put("eval_count", completion).put("eval_duration", 0);
    }
}

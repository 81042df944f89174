package dev.idleclaw.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/** Converts the canonical chat model to and from Ollama's native JSON (ollama-api.md §3–§5). */
public final class OllamaJson {
    private OllamaJson() {}

    /** Ollama {@code /api/chat} parameters, keys in upstream IdleClaw order; optional parts only when set. */
    public static ObjectNode params(ChatRequest r, JsonNode keepAlive) {
        ObjectNode p = Json.object().put("model", r.model());
        var msgs = p.putArray("messages");
        for (ChatMessage m : r.messages()) msgs.add(message(m));
        p.put("stream", true);
        if (keepAlive != null) p.set("keep_alive", keepAlive);
        if (r.think() != null) p.set("think", r.think());
        if (r.tools() != null) p.set("tools", r.tools());
        if (r.format() != null) p.set("format", r.format());
        if (r.options() != null) p.set("options", r.options());
        return p;
    }

    public static ObjectNode message(ChatMessage m) {
        ObjectNode o = Json.object().put("role", m.role()).put("content", m.content() == null ? "" : m.content());
        if (m.thinking() != null) o.put("thinking", m.thinking());
        if (m.images() != null && !m.images().isEmpty()) {
            var arr = o.putArray("images");
            m.images().forEach(arr::add);
        }
        if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
            var arr = o.putArray("tool_calls");
            m.toolCalls().forEach(tc -> arr.add(toolCall(tc)));
        }
        if (m.toolName() != null) o.put("tool_name", m.toolName());
        if (m.toolCallId() != null) o.put("tool_call_id", m.toolCallId());
        return o;
    }

    public static ObjectNode toolCall(ToolCall tc) {
        ObjectNode o = Json.object();
        if (tc.id() != null) o.put("id", tc.id());
        ObjectNode f = o.putObject("function");
        if (tc.index() != null) f.put("index", tc.index());
        f.put("name", tc.name());
        f.set("arguments", tc.arguments() == null ? Json.object() : tc.arguments());
        return o;
    }

    /** The streamed part of an Ollama chunk ({@code message.content/thinking/tool_calls}). */
    public static ChatChunk chunk(JsonNode chunk) {
        JsonNode msg = chunk.path("message");
        String content = msg.path("content").isTextual() ? msg.get("content").textValue() : "";
        String thinking = msg.path("thinking").isTextual() ? msg.get("thinking").textValue() : "";
        return new ChatChunk(content, thinking, toolCalls(msg.get("tool_calls")));
    }

    /** True when this chunk is Ollama's final {@code done:true} object. */
    public static boolean isDone(JsonNode chunk) {
        return chunk.path("done").asBoolean(false);
    }

    /** The end marker of a final chunk; metrics only when the node forwarded them. */
    public static ChatEnd end(JsonNode chunk) {
        String reason = chunk.path("done_reason").isTextual() ? chunk.get("done_reason").textValue() : "stop";
        ChatEnd.Metrics metrics = null;
        if (chunk.has("eval_count") || chunk.has("total_duration")) {
            metrics = new ChatEnd.Metrics(chunk.path("total_duration").asLong(0), chunk.path("load_duration").asLong(0),
                    chunk.path("prompt_eval_count").asLong(0), chunk.path("prompt_eval_duration").asLong(0),
                    chunk.path("eval_count").asLong(0), chunk.path("eval_duration").asLong(0));
        }
        return new ChatEnd(reason, metrics);
    }

    public static List<ToolCall> toolCalls(JsonNode arr) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) return List.of();
        List<ToolCall> out = new ArrayList<>(arr.size());
        for (JsonNode tc : arr) {
            JsonNode f = tc.path("function");
            if (!f.path("name").isTextual()) continue;
            JsonNode args = f.get("arguments");
            if (args != null && args.isTextual()) {
                try {
                    args = Json.parse(args.textValue());
                } catch (Exception e) {
                    args = Json.object();
                }
            }
            out.add(new ToolCall(Json.text(tc, "id"), f.path("index").isInt() ? f.get("index").intValue() : null,
                    f.get("name").textValue(), args == null || args.isNull() ? Json.object() : args));
        }
        return List.copyOf(out);
    }
}

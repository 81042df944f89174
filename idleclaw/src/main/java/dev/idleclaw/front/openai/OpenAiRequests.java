package dev.idleclaw.front.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Translates a Chat Completions request into the canonical (Ollama-shaped) request (openai-api.md §2). */
final class OpenAiRequests {

    /**
     * A decoded request and the parts that only shape the answer; {@code webSearch}: the request carries
     * {@code web_search_options} (OpenAI's parameter for search-enabled chat).
     */
    record Call(ChatRequest request, boolean stream, boolean includeUsage, boolean webSearch) {}

    private OpenAiRequests() {}

    static Call decode(JsonNode body) throws DoorError {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) throw new DoorError(400, "you must provide a model parameter");
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray()) throw new DoorError(400, "'messages' is a required property and must be an array");
        if (msgs.isEmpty()) throw new DoorError(400, "[] is too short - 'messages'");
        if (body.path("n").asInt(1) > 1) throw new DoorError(400, "n > 1 is not supported");
        List<ChatMessage> messages = new ArrayList<>(msgs.size());
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), i, toolNames));
        boolean stream = body.path("stream").asBoolean(false);
        boolean usage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        JsonNode tools = body.get("tools") != null && body.get("tools").isArray() && !body.get("tools").isEmpty() ? body.get("tools") : null;
        return new Call(new ChatRequest(model.textValue(), List.copyOf(messages), think(body), tools, format(body.get("response_format")),
                options(body), null), stream, usage, body.has("web_search_options") && !body.get("web_search_options").isNull());
    }

    private static ChatMessage message(JsonNode m, int i, Map<String, String> toolNames) throws DoorError {
        if (!m.isObject()) throw new DoorError(400, "messages[" + i + "] must be an object");
        String role = m.path("role").asText("");
        List<String> images = new ArrayList<>();
        String content = content(m.get("content"), images, i);
        return switch (role) {
            case "system", "developer" -> ChatMessage.of("system", content);
            case "user" -> new ChatMessage("user", content, null, images.isEmpty() ? null : List.copyOf(images), null, null, null);
            case "assistant" -> {
                List<ToolCall> calls = toolCalls(m.get("tool_calls"), toolNames);
                String reasoning = m.path("reasoning").isTextual() ? m.get("reasoning").textValue() : null;
                yield new ChatMessage("assistant", content, reasoning, null, calls.isEmpty() ? null : calls, null, null);
            }
            case "tool" -> {
                String callId = m.path("tool_call_id").asText(null);
                String name = m.path("name").isTextual() ? m.get("name").textValue() : toolNames.get(callId);
                yield new ChatMessage("tool", content, null, null, null, name, callId);
            }
            default -> throw new DoorError(400, "messages[" + i + "].role '" + role + "' is not one of system, developer, user, assistant, tool");
        };
    }

    /** Text of a string or an array of parts; image parts (data URLs only) go to {@code images}. */
    private static String content(JsonNode c, List<String> images, int i) throws DoorError {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw new DoorError(400, "messages[" + i + "].content must be a string or an array of parts");
        var text = new StringBuilder();
        for (JsonNode part : c) {
            switch (part.path("type").asText("")) {
                case "text" -> text.append(part.path("text").asText(""));
                case "image_url" -> {
                    String url = part.path("image_url").isTextual() ? part.get("image_url").textValue() : part.path("image_url").path("url").asText("");
                    int comma = url.indexOf(',');
                    if (!url.startsWith("data:") || comma < 0) {
                        throw new DoorError(400, "image URLs are not currently supported, please use base64 encoded data instead");
                    }
                    images.add(url.substring(comma + 1));
                }
                default -> { } // input_audio, file: no node can use them; ignored like unknown parts
            }
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode arr, Map<String, String> toolNames) throws DoorError {
        if (arr == null || !arr.isArray()) return List.of();
        List<ToolCall> out = new ArrayList<>();
        for (int k = 0; k < arr.size(); k++) {
            JsonNode tc = arr.get(k), f = tc.path("function");
            String name = f.path("name").asText("");
            JsonNode args = f.get("arguments");
            JsonNode parsed;
            try {
                parsed = args == null || args.isNull() ? Json.object() : args.isTextual() ? Json.parse(args.textValue().isBlank() ? "{}" : args.textValue()) : args;
            } catch (Exception e) {
                throw new DoorError(400, "invalid tool call arguments");
            }
            if (!parsed.isObject()) throw new DoorError(400, "invalid tool call arguments");
            String id = tc.path("id").asText(null);
            if (id != null) toolNames.put(id, name);
            out.add(new ToolCall(id, k, name, parsed));
        }
        return out;
    }

    private static JsonNode think(JsonNode body) {
        JsonNode effort = body.has("reasoning_effort") ? body.get("reasoning_effort") : body.path("reasoning").get("effort");
        if (effort == null || !effort.isTextual()) return null;
        return switch (effort.textValue()) {
            case "none" -> com.fasterxml.jackson.databind.node.BooleanNode.FALSE;
            case "minimal" -> TextNode.valueOf("low");
            case "low", "medium", "high", "max" -> effort;
            case "xhigh", "ultra" -> TextNode.valueOf("max");
            default -> null;
        };
    }

    private static JsonNode format(JsonNode rf) {
        if (rf == null || !rf.isObject()) return null;
        return switch (rf.path("type").asText("")) {
            case "json_object" -> TextNode.valueOf("json");
            case "json_schema" -> rf.path("json_schema").get("schema");
            default -> null;
        };
    }

    private static ObjectNode options(JsonNode body) throws DoorError {
        ObjectNode o = Json.object();
        Integer max = null;
        for (String k : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = body.get(k);
            if (v != null && v.canConvertToInt() && v.isIntegralNumber()) max = max == null ? v.intValue() : Math.min(max, v.intValue());
        }
        if (max != null) o.put("num_predict", max);
        for (String k : List.of("temperature", "top_p", "seed", "frequency_penalty", "presence_penalty")) {
            JsonNode v = body.get(k);
            if (v != null && v.isNumber()) o.set(k, v);
        }
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isTextual()) o.putArray("stop").add(stop.textValue());
        else if (stop != null && stop.isArray()) o.set("stop", stop);
        return o.isEmpty() ? null : o;
    }
}

package dev.idleclaw.front.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
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

/**
 * Translates a Responses API request into the canonical (Ollama-shaped) request. Stateless, as Ollama's: the whole
 * conversation comes in {@code input}; {@code previous_response_id} and {@code store: true} are refused. Input items
 * and tool types no node can use (reasoning items, built-in tools) are skipped rather than refused.
 */
final class ResponsesRequests {

    /** A decoded request, whether to stream, and the request fields a response object echoes back. */
    record Call(ChatRequest request, boolean stream, ObjectNode echo) {}

    private ResponsesRequests() {}

    static Call decode(JsonNode body) throws DoorError {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) throw new DoorError(400, "you must provide a model parameter");
        JsonNode previous = body.get("previous_response_id");
        if (previous != null && !previous.isNull()) {
            throw new DoorError(400, "previous_response_id is not supported: this endpoint is stateless and keeps no responses; "
                    + "send the whole conversation in 'input'");
        }
        if (body.path("store").asBoolean(false)) {
            throw new DoorError(400, "store: true is not supported: this endpoint is stateless and keeps no responses; set store to false");
        }
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode instructions = body.get("instructions");
        if (instructions != null && instructions.isTextual() && !instructions.textValue().isEmpty()) {
            messages.add(ChatMessage.of("system", instructions.textValue()));
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw new DoorError(400, "'input' is a required property");
        if (input.isTextual()) messages.add(ChatMessage.of("user", input.textValue()));
        else if (input.isArray()) items(input, messages);
        else throw new DoorError(400, "'input' must be a string or an array of items");
        if (messages.isEmpty()) throw new DoorError(400, "'input' has no message a model can read");
        ArrayNode tools = tools(body.get("tools"));
        boolean noTools = tools.isEmpty() || "none".equals(body.path("tool_choice").asText(""));
        var request = new ChatRequest(model.textValue(), List.copyOf(messages), think(body.path("reasoning").get("effort")),
                noTools ? null : ollamaTools(tools), format(body.path("text").get("format")), options(body), null);
        return new Call(request, body.path("stream").asBoolean(false), echo(body, tools));
    }

    private static void items(JsonNode input, List<ChatMessage> out) throws DoorError {
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isObject()) throw new DoorError(400, "input[" + i + "] must be an object");
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> out.add(message(item, i));
                case "function_call" -> functionCall(item, i, out, toolNames);
                case "function_call_output" -> {
                    String callId = item.path("call_id").asText(null);
                    out.add(new ChatMessage("tool", text(item.get("output"), null, i), null, null, null, toolNames.get(callId), callId));
                }
                default -> { } // reasoning items, built-in tool calls: nothing a node can replay
            }
        }
    }

    private static ChatMessage message(JsonNode m, int i) throws DoorError {
        String role = m.path("role").asText("");
        List<String> images = new ArrayList<>();
        String content = text(m.get("content"), images, i);
        return switch (role) {
            case "system", "developer" -> ChatMessage.of("system", content);
            case "user" -> new ChatMessage("user", content, null, images.isEmpty() ? null : List.copyOf(images), null, null, null);
            case "assistant" -> ChatMessage.of("assistant", content);
            default -> throw new DoorError(400, "input[" + i + "].role '" + role + "' is not one of user, assistant, system, developer");
        };
    }

    /** A model's earlier call joins the assistant message before it (one turn may call several tools). */
    private static void functionCall(JsonNode item, int i, List<ChatMessage> out, Map<String, String> toolNames) throws DoorError {
        String name = item.path("name").asText("");
        String callId = item.path("call_id").asText(null);
        JsonNode args;
        try {
            JsonNode raw = item.get("arguments");
            args = raw == null || raw.isNull() ? Json.object() : raw.isTextual() ? Json.parse(raw.textValue().isBlank() ? "{}" : raw.textValue()) : raw;
        } catch (Exception e) {
            throw new DoorError(400, "input[" + i + "].arguments is not a JSON object");
        }
        if (!args.isObject()) throw new DoorError(400, "input[" + i + "].arguments is not a JSON object");
        if (callId != null) toolNames.put(callId, name);
        ChatMessage last = out.isEmpty() ? null : out.getLast();
        if (last != null && last.role().equals("assistant")) {
            List<ToolCall> calls = new ArrayList<>(last.toolCalls() == null ? List.of() : last.toolCalls());
            calls.add(new ToolCall(callId, calls.size(), name, args));
            out.set(out.size() - 1, new ChatMessage("assistant", last.content(), last.thinking(), null, List.copyOf(calls), null, null));
        } else {
            out.add(new ChatMessage("assistant", "", null, null, List.of(new ToolCall(callId, 0, name, args)), null, null));
        }
    }

    /** Text of a string or an array of parts; image parts (data URLs only) go to {@code images} when it is not null. */
    private static String text(JsonNode c, List<String> images, int i) throws DoorError {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw new DoorError(400, "input[" + i + "] content must be a string or an array of parts");
        var text = new StringBuilder();
        for (JsonNode part : c) {
            switch (part.path("type").asText("")) {
                case "input_text", "output_text", "text" -> text.append(part.path("text").asText(""));
                case "input_image" -> {
                    String url = part.path("image_url").asText("");
                    int comma = url.indexOf(',');
                    if (images == null || !url.startsWith("data:") || comma < 0) {
                        throw new DoorError(400, "image URLs are not currently supported, please use base64 encoded data instead");
                    }
                    images.add(url.substring(comma + 1));
                }
                default -> { } // refusals, files, audio: nothing a node can read
            }
        }
        return text.toString();
    }

    /** The function tools (Responses' flat shape); other tool types cannot run on a node and are left out. */
    private static ArrayNode tools(JsonNode tools) {
        ArrayNode out = Json.array();
        if (tools == null || !tools.isArray()) return out;
        for (JsonNode t : tools) if ("function".equals(t.path("type").asText()) && t.path("name").isTextual()) out.add(t);
        return out;
    }

    private static ArrayNode ollamaTools(ArrayNode tools) {
        ArrayNode out = Json.array();
        for (JsonNode t : tools) {
            ObjectNode f = out.addObject().put("type", "function").putObject("function").put("name", t.get("name").textValue());
            if (t.path("description").isTextual()) f.set("description", t.get("description"));
            f.set("parameters", t.path("parameters").isObject() ? t.get("parameters") : Json.object().put("type", "object"));
        }
        return out;
    }

    private static JsonNode think(JsonNode effort) {
        if (effort == null || !effort.isTextual()) return null;
        return switch (effort.textValue()) {
            case "none" -> BooleanNode.FALSE;
            case "minimal" -> TextNode.valueOf("low");
            case "low", "medium", "high" -> effort;
            case "xhigh" -> TextNode.valueOf("max");
            default -> null;
        };
    }

    private static JsonNode format(JsonNode f) {
        if (f == null || !f.isObject()) return null;
        return switch (f.path("type").asText("")) {
            case "json_object" -> TextNode.valueOf("json");
            case "json_schema" -> f.get("schema");
            default -> null;
        };
    }

    private static ObjectNode options(JsonNode body) {
        ObjectNode o = Json.object();
        JsonNode max = body.get("max_output_tokens");
        if (max != null && max.isIntegralNumber() && max.canConvertToInt()) o.put("num_predict", max.intValue());
        for (String k : List.of("temperature", "top_p")) if (body.path(k).isNumber()) o.set(k, body.get(k));
        return o.isEmpty() ? null : o;
    }

    /** What a response object repeats of its request, with OpenAI's defaults for what the request left out. */
    private static ObjectNode echo(JsonNode body, ArrayNode tools) {
        ObjectNode e = Json.object();
        e.set("instructions", body.path("instructions").isTextual() ? body.get("instructions") : null);
        e.set("max_output_tokens", body.path("max_output_tokens").isIntegralNumber() ? body.get("max_output_tokens") : null);
        e.set("temperature", body.path("temperature").isNumber() ? body.get("temperature") : Json.object().numberNode(1.0));
        e.set("top_p", body.path("top_p").isNumber() ? body.get("top_p") : Json.object().numberNode(1.0));
        e.set("tool_choice", body.has("tool_choice") ? body.get("tool_choice") : TextNode.valueOf("auto"));
        e.set("tools", tools);
        e.put("parallel_tool_calls", body.path("parallel_tool_calls").asBoolean(true));
        e.putObject("reasoning").put("effort", body.path("reasoning").path("effort").asText(null)).putNull("summary");
        e.set("text", body.path("text").path("format").isObject() ? Json.object().set("format", body.path("text").get("format"))
                : Json.object().set("format", Json.object().put("type", "text")));
        e.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : Json.object());
        return e;
    }
}

package dev.idleclaw.front.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Translates an Anthropic Messages request into the canonical (Ollama-shaped) request. Top-level {@code system} and
 * {@code system}-role messages become system messages; {@code tool_result} blocks become {@code tool} messages ahead
 * of the user's text; {@code metadata}, {@code context_management}, {@code output_config} and server tools (those with
 * a {@code type} other than {@code custom}) are accepted and ignored, since no node can use them.
 */
final class AnthropicRequests {

    /** A decoded request and whether the answer streams. */
    record Call(ChatRequest request, boolean stream) {}

    private AnthropicRequests() {}

    static Call decode(JsonNode body) throws DoorError {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) throw new DoorError(400, "model: Field required");
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray()) throw new DoorError(400, "messages: Field required (an array)");
        if (msgs.isEmpty()) throw new DoorError(400, "messages: at least one message is required");
        List<ChatMessage> messages = new ArrayList<>(msgs.size() + 1);
        String system = text(body.get("system"), "system");
        if (!system.isEmpty()) messages.add(ChatMessage.of("system", system));
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < msgs.size(); i++) message(msgs.get(i), i, toolNames, messages);
        ArrayNode tools = tools(body.get("tools"), body.get("tool_choice"));
        return new Call(new ChatRequest(model.textValue(), List.copyOf(messages), think(body.get("thinking")), tools, null,
                options(body), null), body.path("stream").asBoolean(false));
    }

    private static void message(JsonNode m, int i, Map<String, String> toolNames, List<ChatMessage> out) throws DoorError {
        if (!m.isObject()) throw new DoorError(400, "messages." + i + ": must be an object");
        String role = m.path("role").asText("");
        String where = "messages." + i + ".content";
        JsonNode c = m.get("content");
        switch (role) {
            case "system" -> out.add(ChatMessage.of("system", text(c, where)));
            case "user" -> {
                var text = new StringBuilder();
                List<String> images = new ArrayList<>();
                for (JsonNode block : blocks(c, where)) {
                    switch (block.path("type").asText("")) {
                        case "text" -> text.append(block.path("text").asText(""));
                        case "image" -> images.add(image(block, where));
                        case "tool_result" -> {
                            String id = block.path("tool_use_id").asText(null);
                            out.add(new ChatMessage("tool", text(block.get("content"), where), null, null, null, toolNames.get(id), id));
                        }
                        default -> { } // documents, search results: no node can read them
                    }
                }
                if (!text.isEmpty() || !images.isEmpty()) {
                    out.add(new ChatMessage("user", text.toString(), null, images.isEmpty() ? null : List.copyOf(images), null, null, null));
                }
            }
            case "assistant" -> {
                var text = new StringBuilder();
                var thinking = new StringBuilder();
                List<ToolCall> calls = new ArrayList<>();
                for (JsonNode block : blocks(c, where)) {
                    switch (block.path("type").asText("")) {
                        case "text" -> text.append(block.path("text").asText(""));
                        case "thinking" -> thinking.append(block.path("thinking").asText(""));
                        case "tool_use" -> {
                            String id = block.path("id").asText(null), name = block.path("name").asText("");
                            JsonNode input = block.get("input");
                            if (input != null && !input.isObject() && !input.isNull()) throw new DoorError(400, where + ": tool_use input must be an object");
                            if (id != null) toolNames.put(id, name);
                            calls.add(new ToolCall(id, calls.size(), name, input == null || input.isNull() ? Json.object() : input));
                        }
                        default -> { } // redacted thinking and server tool blocks carry nothing a node can use
                    }
                }
                out.add(new ChatMessage("assistant", text.toString(), thinking.isEmpty() ? null : thinking.toString(), null,
                        calls.isEmpty() ? null : List.copyOf(calls), null, null));
            }
            default -> throw new DoorError(400, "messages." + i + ".role: '" + role + "' is not one of user, assistant, system");
        }
    }

    /** A content value as blocks: a string is one text block. */
    private static List<JsonNode> blocks(JsonNode c, String where) throws DoorError {
        if (c == null || c.isNull()) return List.of();
        if (c.isTextual()) return List.of(Json.object().put("type", "text").put("text", c.textValue()));
        if (!c.isArray()) throw new DoorError(400, where + ": must be a string or an array of content blocks");
        List<JsonNode> out = new ArrayList<>(c.size());
        c.forEach(out::add);
        return out;
    }

    /** The text of a string or of the text blocks in an array ({@code system}, {@code tool_result} content). */
    static String text(JsonNode c, String where) throws DoorError {
        var sb = new StringBuilder();
        for (JsonNode b : blocks(c, where)) {
            if (!b.path("type").asText("").equals("text")) continue;
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(b.path("text").asText(""));
        }
        return sb.toString();
    }

    private static String image(JsonNode block, String where) throws DoorError {
        JsonNode src = block.path("source");
        if (!src.path("type").asText("").equals("base64") || !src.path("data").isTextual()) {
            throw new DoorError(400, where + ": only base64 image sources are supported");
        }
        return src.get("data").textValue();
    }

    /** Client tools in Ollama's function shape; none for {@code tool_choice: none}, only the named one for {@code tool}. */
    static ArrayNode tools(JsonNode tools, JsonNode choice) throws DoorError {
        if (tools == null || !tools.isArray() || tools.isEmpty()) return null;
        String kind = choice == null ? "auto" : choice.path("type").asText("auto");
        if (kind.equals("none")) return null;
        String only = kind.equals("tool") ? choice.path("name").asText(null) : null;
        ArrayNode out = Json.array();
        for (JsonNode t : tools) {
            String type = t.path("type").asText("custom");
            if (!type.equals("custom") || !t.path("name").isTextual()) continue;
            if (only != null && !only.equals(t.get("name").textValue())) continue;
            ObjectNode f = out.addObject().put("type", "function").putObject("function").put("name", t.get("name").textValue());
            if (t.path("description").isTextual()) f.put("description", t.get("description").textValue());
            f.set("parameters", t.path("input_schema").isObject() ? t.get("input_schema") : Json.object().put("type", "object"));
        }
        if (only != null && out.isEmpty()) throw new DoorError(400, "tool_choice: tool '" + only + "' is not among the tools");
        return out.isEmpty() ? null : out;
    }

    private static JsonNode think(JsonNode thinking) {
        if (thinking == null || !thinking.isObject()) return null;
        return switch (thinking.path("type").asText("")) {
            case "enabled", "adaptive" -> BooleanNode.TRUE;
            case "disabled" -> BooleanNode.FALSE;
            default -> null;
        };
    }

    private static ObjectNode options(JsonNode body) throws DoorError {
        ObjectNode o = Json.object();
        JsonNode max = body.get("max_tokens");
        if (max != null && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) throw new DoorError(400, "max_tokens: must be a positive integer");
            o.put("num_predict", max.intValue());
        }
        for (String k : List.of("temperature", "top_p", "top_k")) {
            JsonNode v = body.get(k);
            if (v != null && v.isNumber()) o.set(k, v);
        }
        JsonNode stop = body.get("stop_sequences");
        if (stop != null && stop.isArray() && !stop.isEmpty()) o.set("stop", stop);
        return o.isEmpty() ? null : o;
    }
}

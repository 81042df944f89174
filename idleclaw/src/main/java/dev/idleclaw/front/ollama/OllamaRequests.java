package dev.idleclaw.front.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes Ollama {@code /api/chat} and {@code /api/generate} bodies into the canonical request, tolerating what real
 * clients send (nulls, empty arrays, unknown keys), and refusing with Ollama's 400 texts what no node would accept.
 */
final class OllamaRequests {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    private static final Set<String> THINK_LEVELS = Set.of("low", "medium", "high", "max");
    /** A Go duration string equal to zero: {@code "0"}, or {@code "0s"} as {@code ollama stop} sends, {@code "0m0s"}, … */
    private static final java.util.regex.Pattern ZERO_DURATION =
            java.util.regex.Pattern.compile("[+-]?(0|((0+(\\.0*)?|\\.0+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)");

    /** A decoded call. {@code load} = no messages (or empty prompt): Ollama only loads or unloads the model. */
    record Call(ChatRequest request, boolean stream, boolean load, boolean unload) {}

    private OllamaRequests() {}

    static Call chat(JsonNode body) throws DoorError {
        String model = model(body, false);
        bool(body, "stream", "ChatRequest");
        JsonNode msgs = body.get("messages");
        List<ChatMessage> messages = new ArrayList<>();
        if (msgs != null && !msgs.isNull()) {
            if (!msgs.isArray()) throw new DoorError(400, "json: cannot unmarshal messages: expected an array");
            for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), i));
        }
        return call(body, model, messages);
    }

    static Call generate(JsonNode body) throws DoorError {
        String model = model(body, true);
        bool(body, "stream", "GenerateRequest");
        String prompt = text(body, "prompt");
        String system = text(body, "system");
        String suffix = text(body, "suffix");
        if (body.path("raw").asBoolean(false) && (system != null || body.hasNonNull("template") || body.hasNonNull("context"))) {
            throw new DoorError(400, "raw mode does not support template, system, or context");
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (prompt != null && !prompt.isEmpty()) {
            if (system != null && !system.isEmpty()) messages.add(ChatMessage.of("system", system));
            boolean infill = suffix != null && !suffix.isEmpty();
            String content = !infill ? prompt
                    : "Fill in the text that belongs between the prefix and the suffix. Reply with the missing middle only.\n"
                      + "Prefix:\n" + prompt + "\nSuffix:\n" + suffix;
            messages.add(new ChatMessage("user", content, null, strings(body.get("images")), null, null, null));
        }
        return call(body, model, messages);
    }

    private static Call call(JsonNode body, String model, List<ChatMessage> messages) throws DoorError {
        JsonNode think = think(body.get("think"));
        JsonNode keepAlive = body.get("keep_alive");
        boolean stream = !body.has("stream") || body.get("stream").isNull() || body.get("stream").asBoolean(true);
        JsonNode tools = body.get("tools");
        if (tools != null && (!tools.isArray() || tools.isEmpty())) tools = null;
        JsonNode format = body.get("format");
        if (format != null && (format.isNull() || format.isTextual() && format.textValue().isEmpty())) format = null;
        JsonNode options = body.get("options") instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.isEmpty() ? o : null;
        var request = new ChatRequest(model, List.copyOf(messages), think, tools, format, options,
                keepAlive == null || keepAlive.isNull() ? null : keepAlive);
        boolean unload = keepAlive != null && (keepAlive.isNumber() && keepAlive.asDouble() == 0
                || keepAlive.isTextual() && ZERO_DURATION.matcher(keepAlive.textValue()).matches());
        return new Call(request, stream, messages.isEmpty(), messages.isEmpty() && unload);
    }

    private static String model(JsonNode body, boolean generate) throws DoorError {
        JsonNode m = body.get("model");
        if (m == null || m.isNull() || m.isTextual() && m.textValue().isBlank()) {
            if (generate) throw new DoorError(404, "model '' not found");
            throw new DoorError(400, "model is required");
        }
        if (!m.isTextual()) throw new DoorError(400, "json: cannot unmarshal model: expected a string");
        return m.textValue();
    }

    private static ChatMessage message(JsonNode m, int i) throws DoorError {
        if (!m.isObject()) throw new DoorError(400, "json: cannot unmarshal messages[" + i + "]: expected an object");
        String role = text(m, "role");
        role = role == null ? "" : role.toLowerCase(Locale.ROOT);
        if (!ROLES.contains(role)) throw new DoorError(400, "invalid role '" + role + "' in message " + i);
        String content = text(m, "content");
        List<ToolCall> calls = OllamaJson.toolCalls(m.get("tool_calls"));
        return new ChatMessage(role, content == null ? "" : content, text(m, "thinking"), strings(m.get("images")),
                calls.isEmpty() ? null : calls, text(m, "tool_name"), text(m, "tool_call_id"));
    }

    private static JsonNode think(JsonNode t) throws DoorError {
        if (t == null || t.isNull()) return null;
        if (t.isBoolean()) return t;
        if (t.isTextual() && THINK_LEVELS.contains(t.textValue())) return t;
        throw new DoorError(400, "invalid think value: " + Json.write(t) + " (use true, false, \"low\", \"medium\", \"high\" or \"max\")");
    }

    /** A boolean field of Ollama's request struct: absent, null or a JSON boolean, else Go's decoder error. */
    private static void bool(JsonNode body, String field, String struct) throws DoorError {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || v.isBoolean()) return;
        String type = switch (v.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case OBJECT -> "object";
            default -> "array";
        };
        throw new DoorError(400, "json: cannot unmarshal " + type + " into Go struct field " + struct + "." + field + " of type bool");
    }

    private static String text(JsonNode n, String field) throws DoorError {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new DoorError(400, "json: cannot unmarshal " + field + ": expected a string");
        return v.textValue();
    }

    private static List<String> strings(JsonNode arr) throws DoorError {
        if (arr == null || arr.isNull() || arr.isArray() && arr.isEmpty()) return null;
        if (!arr.isArray()) throw new DoorError(400, "json: cannot unmarshal images: expected an array");
        List<String> out = new ArrayList<>(arr.size());
        for (JsonNode s : arr) {
            if (!s.isTextual()) throw new DoorError(400, "json: cannot unmarshal images: expected base64 strings");
            out.add(s.textValue());
        }
        return List.copyOf(out);
    }
}

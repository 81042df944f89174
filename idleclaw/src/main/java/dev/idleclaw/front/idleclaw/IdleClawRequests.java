package dev.idleclaw.front.idleclaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes and validates an IdleClaw {@code POST /api/chat} body: {@code model} (1..64 chars), {@code messages} (1..50
 * of {@code user}/{@code assistant} with 1..10,000 chars), {@code think} (bool). Invalid bodies produce FastAPI /
 * Pydantic style error entries for the 422 answer (idleclaw-wire.md §3.5).
 */
final class IdleClawRequests {
    static final int MAX_MODEL_CHARS = 64, MAX_MESSAGES = 50, MAX_CONTENT_CHARS = 10_000;
    /** Upstream cap on the sum of all message contents. */
    static final int MAX_TOTAL_CHARS = 100_000;
    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "t", "y"), FALSE = Set.of("false", "0", "no", "off", "f", "n");

    /** A validated request. */
    record Request(String model, List<ChatMessage> messages, boolean think) {
        int totalChars() {
            // Characters as Python counts them (code points), like the per-message limit.
            return messages.stream().mapToInt(m -> m.content().codePointCount(0, m.content().length())).sum();
        }
    }

    /** Either a request or the validation errors. */
    record Parsed(Request request, ArrayNode errors) {}

    private IdleClawRequests() {}

    /** Validates {@code body}, which the hub already parsed into {@code tree} (null: it did not parse, and is parsed again for the error). */
    static Parsed parse(byte[] body, JsonNode tree) {
        ArrayNode errors = Json.array();
        if (body.length == 0) {
            // FastAPI does not parse an empty body as JSON: the required body is simply missing.
            error(errors, "missing", List.of("body"), "Field required", com.fasterxml.jackson.databind.node.NullNode.getInstance());
            return new Parsed(null, errors);
        }
        JsonNode root = tree;
        try {
            if (root == null) root = Json.parse(body);
        } catch (Exception e) {
            root = null;
        }
        if (root == null || root.isMissingNode()) {
            error(errors, "json_invalid", List.of("body", 0), "JSON decode error", Json.object()).putObject("ctx").put("error", "Expecting value");
            return new Parsed(null, errors);
        }
        if (!root.isObject()) {
            error(errors, "model_attributes_type", List.of("body"), "Input should be a valid dictionary or object to extract fields from", root);
            return new Parsed(null, errors);
        }
        String model = string(errors, root, List.of("body", "model"), MAX_MODEL_CHARS, "model");
        List<ChatMessage> messages = messages(errors, root);
        boolean think = bool(errors, root);
        return errors.isEmpty() ? new Parsed(new Request(model, messages, think), null) : new Parsed(null, errors);
    }

    private static List<ChatMessage> messages(ArrayNode errors, JsonNode root) {
        JsonNode arr = root.get("messages");
        if (arr == null) {
            error(errors, "missing", List.of("body", "messages"), "Field required", root);
            return null;
        }
        if (!arr.isArray()) {
            error(errors, "list_type", List.of("body", "messages"), "Input should be a valid list", arr);
            return null;
        }
        if (arr.isEmpty() || arr.size() > MAX_MESSAGES) {
            boolean few = arr.isEmpty();
            var e = error(errors, few ? "too_short" : "too_long", List.of("body", "messages"),
                    "List should have at " + (few ? "least 1 item" : "most " + MAX_MESSAGES + " items")
                            + " after validation, not " + arr.size(), arr);
            e.putObject("ctx").put("field_type", "List").put(few ? "min_length" : "max_length", few ? 1 : MAX_MESSAGES)
                    .put("actual_length", arr.size());
            return null;
        }
        List<ChatMessage> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            JsonNode m = arr.get(i);
            if (!m.isObject()) {
                error(errors, "model_attributes_type", List.of("body", "messages", i), "Input should be a valid dictionary or object to extract fields from", m);
                continue;
            }
            JsonNode role = m.get("role");
            if (role == null) error(errors, "missing", List.of("body", "messages", i, "role"), "Field required", m);
            else if (!role.isTextual() || !(role.textValue().equals("user") || role.textValue().equals("assistant"))) {
                error(errors, "literal_error", List.of("body", "messages", i, "role"), "Input should be 'user' or 'assistant'", role)
                        .putObject("ctx").put("expected", "'user' or 'assistant'");
            }
            String content = string(errors, m, List.of("body", "messages", i, "content"), MAX_CONTENT_CHARS, "content");
            if (content != null && role != null && role.isTextual()) out.add(ChatMessage.of(role.textValue(), content));
        }
        return out;
    }

    private static String string(ArrayNode errors, JsonNode parent, List<Object> loc, int max, String field) {
        JsonNode v = parent.get(field);
        if (v == null) {
            error(errors, "missing", loc, "Field required", parent);
            return null;
        }
        if (!v.isTextual()) {
            error(errors, "string_type", loc, "Input should be a valid string", v);
            return null;
        }
        int len = v.textValue().codePointCount(0, v.textValue().length());
        if (len < 1) {
            error(errors, "string_too_short", loc, "String should have at least 1 character", v).putObject("ctx").put("min_length", 1);
            return null;
        }
        if (len > max) {
            error(errors, "string_too_long", loc, "String should have at most " + max + " characters", v).putObject("ctx").put("max_length", max);
            return null;
        }
        return v.textValue();
    }

    private static boolean bool(ArrayNode errors, JsonNode root) {
        JsonNode v = root.get("think");
        if (v == null) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) return v.asLong() == 1;
        if (v.isTextual() && TRUE.contains(v.textValue().toLowerCase())) return true;
        if (v.isTextual() && FALSE.contains(v.textValue().toLowerCase())) return false;
        error(errors, v.isTextual() ? "bool_parsing" : "bool_type", List.of("body", "think"),
                v.isTextual() ? "Input should be a valid boolean, unable to interpret input" : "Input should be a valid boolean", v);
        return false;
    }

    private static ObjectNode error(ArrayNode errors, String type, List<Object> loc, String msg, JsonNode input) {
        ObjectNode e = errors.addObject().put("type", type);
        var l = e.putArray("loc");
        for (Object o : loc) {
            if (o instanceof Integer n) l.add(n);
            else l.add(o.toString());
        }
        e.put("msg", msg).set("input", input);
        return e;
    }
}

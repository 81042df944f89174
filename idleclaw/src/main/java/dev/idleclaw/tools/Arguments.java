package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a tool call's arguments against the tool's schema: an object, every {@code required} property present,
 * no property the schema does not name, and each value of its declared type. The answer is a list of problems the
 * model can fix (empty when the call is valid).
 */
public final class Arguments {
    private Arguments() {}

    public static List<String> problems(JsonNode arguments, JsonNode schema) {
        List<String> out = new ArrayList<>();
        if (arguments == null || !arguments.isObject()) {
            out.add("arguments must be a JSON object");
            return out;
        }
        JsonNode properties = schema.path("properties");
        Set<String> seen = new HashSet<>();
        for (var field : arguments.properties()) {
            seen.add(field.getKey());
            JsonNode declared = properties.get(field.getKey());
            if (declared == null) out.add("unknown argument '" + field.getKey() + "'");
            else if (!ofType(field.getValue(), declared.path("type").asText(""))) {
                out.add("argument '" + field.getKey() + "' must be of type " + declared.path("type").asText());
            }
        }
        for (JsonNode r : schema.path("required")) {
            if (!seen.contains(r.asText())) out.add("missing required argument '" + r.asText() + "'");
        }
        return out;
    }

    private static boolean ofType(JsonNode v, String type) {
        return switch (type) {
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            default -> true;
        };
    }
}

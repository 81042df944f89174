package dev.idleclaw.front.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.wire.WireLimits;
import java.util.ArrayList;
import java.util.List;

/** Decoding of the embedding doors' bodies, with the limits a node enforces on {@code embed_request} named in the errors. */
final class EmbedRequests {
    private EmbedRequests() {}

    /** The fields both dialects share; {@code dimensions}, {@code truncate}, {@code keepAlive}, {@code options} may be null. */
    record Parsed(String model, List<String> input, Integer dimensions, Boolean truncate, JsonNode keepAlive, ObjectNode options) {}

    static String model(JsonNode body) throws DoorError {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual() || m.textValue().isEmpty()) throw new DoorError(400, "model is required");
        if (m.textValue().length() > WireLimits.MAX_ID_CHARS) throw new DoorError(400, "model name is too long");
        return m.textValue();
    }

    /** {@code field} as a string or a list of strings (empty when absent or null, if {@code optional}). */
    static List<String> input(JsonNode body, String field, boolean optional) throws DoorError {
        JsonNode in = body.get(field);
        List<String> out = new ArrayList<>();
        if (in == null || in.isNull()) {
            if (!optional) throw new DoorError(400, field + " is required");
        } else if (in.isTextual()) {
            out.add(in.textValue());
        } else if (in.isArray()) {
            for (JsonNode t : in) {
                if (!t.isTextual()) throw new DoorError(400, "invalid " + field + " type: only text (a string or a list of strings) is supported");
                out.add(t.textValue());
            }
        } else {
            throw new DoorError(400, "invalid " + field + " type: only text (a string or a list of strings) is supported");
        }
        if (out.size() > WireLimits.MAX_EMBED_INPUTS) {
            throw new DoorError(400, "too many inputs: " + out.size() + " (at most " + WireLimits.MAX_EMBED_INPUTS + " per request)");
        }
        for (int i = 0; i < out.size(); i++) {
            String t = out.get(i);
            if (t.isEmpty()) throw new DoorError(400, field + " " + i + " is empty");
            if (t.length() > WireLimits.MAX_EMBED_INPUT_CHARS) {
                throw new DoorError(400, field + " " + i + " is " + t.length() + " characters long (at most "
                        + WireLimits.MAX_EMBED_INPUT_CHARS + " per input)");
            }
        }
        return out;
    }

    static Integer dimensions(JsonNode body) throws DoorError {
        JsonNode d = body.get("dimensions");
        if (d == null || d.isNull()) return null;
        if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1 || d.intValue() > WireLimits.MAX_EMBED_DIMENSIONS) {
            throw new DoorError(400, "dimensions must be an integer from 1 to " + WireLimits.MAX_EMBED_DIMENSIONS);
        }
        return d.intValue();
    }

    /** Ollama's optional {@code truncate}, {@code keep_alive} and {@code options}, checked for type. */
    static Parsed ollama(JsonNode body, String model, List<String> input) throws DoorError {
        JsonNode t = body.get("truncate");
        if (t != null && !t.isNull() && !t.isBoolean()) throw new DoorError(400, "truncate must be true or false");
        JsonNode keepAlive = body.get("keep_alive");
        if (keepAlive != null && !keepAlive.isNull() && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            throw new DoorError(400, "keep_alive must be a duration string or a number of seconds");
        }
        JsonNode options = body.get("options");
        if (options != null && !options.isNull() && !options.isObject()) throw new DoorError(400, "options must be an object");
        return new Parsed(model, input, dimensions(body), t == null || t.isNull() ? null : t.booleanValue(),
                keepAlive == null || keepAlive.isNull() ? null : keepAlive, options instanceof ObjectNode o ? o : null);
    }
}

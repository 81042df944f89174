package dev.idleclaw.front;

import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses request bodies for the Ollama and OpenAI doors, with Go-decoder-like messages for bad JSON. */
public final class BodyJson {
    /** Jackson's texts for a bad first character: "Unexpected character ('x'" or, for letters, "Unrecognized token 'xyz'". */
    private static final Pattern UNEXPECTED = Pattern.compile("(?:Unexpected character \\(|Unrecognized token )'(.)");

    private BodyJson() {}

    /** The body as a JSON object; 400 {@code missing request body} when empty, 400 with a decoder message otherwise. */
    public static JsonNode object(byte[] body) throws FaceError {
        if (body.length == 0) throw new FaceError(400, "missing request body");
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (JsonEOFException e) {
            throw new FaceError(400, "unexpected EOF");
        } catch (Exception e) {
            Matcher m = UNEXPECTED.matcher(String.valueOf(e.getMessage()));
            throw new FaceError(400, m.find() ? "invalid character '" + m.group(1) + "' looking for beginning of value" : "invalid JSON body");
        }
        if (n == null || n.isMissingNode()) throw new FaceError(400, "missing request body");
        if (!n.isObject()) throw new FaceError(400, "json: cannot unmarshal " + n.getNodeType().name().toLowerCase() + " into Go value of type api.ChatRequest");
        return n;
    }

    /** Parses without failing: null when {@code body} is not JSON (used only to pick a dialect). */
    public static JsonNode quiet(byte[] body) {
        try {
            return body.length == 0 ? null : Json.parse(body);
        } catch (Exception e) {
            return null;
        }
    }
}

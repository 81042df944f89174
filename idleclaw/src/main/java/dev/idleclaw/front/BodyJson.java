package dev.idleclaw.front;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses request bodies for the Ollama and OpenAI doors, with Go-decoder-like messages for bad JSON. Stricter than
 * Go's decoder in two ways: anything after the JSON value and malformed UTF-8 are refused (400).
 */
public final class BodyJson {
    /** Jackson's texts for a bad first character: "Unexpected character ('x'" or, for letters, "Unrecognized token 'xyz'". */
    private static final Pattern UNEXPECTED = Pattern.compile("(?:Unexpected character \\(|Unrecognized token )'(.)");

    private BodyJson() {}

    /** The body as a JSON object; 400 {@code missing request body} when empty, 400 with a decoder message otherwise. */
    public static JsonNode object(byte[] body) throws DoorError {
        if (body.length == 0) throw new DoorError(400, "missing request body");
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (JsonEOFException e) {
            throw new DoorError(400, "unexpected EOF");
        } catch (Exception e) {
            String after = afterValue(body);
            if (after != null) throw new DoorError(400, "invalid character '" + after + "' after top-level value");
            Matcher m = UNEXPECTED.matcher(String.valueOf(e.getMessage()));
            throw new DoorError(400, m.find() ? "invalid character '" + m.group(1) + "' looking for beginning of value" : "invalid JSON body");
        }
        if (n == null || n.isMissingNode()) throw new DoorError(400, "missing request body");
        if (!n.isObject()) throw new DoorError(400, "json: cannot unmarshal " + n.getNodeType().name().toLowerCase() + " into Go value of type api.ChatRequest");
        return n;
    }

    /**
     * The body parsed as {@link #object(byte[])} parses it, or null when that would refuse it. The hub parses a chat
     * body once with this (to choose its dialect) and hands the tree to the door that answers it.
     */
    public static JsonNode parsedOrNull(byte[] body) {
        try {
            return body.length == 0 ? null : Json.parse(body);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * {@link #object(byte[])} for a body already parsed by {@link #parsedOrNull} ({@code parsed}): no second parse
     * unless the body is to be refused, which parsing it again explains.
     */
    public static JsonNode object(byte[] body, JsonNode parsed) throws DoorError {
        return parsed != null && parsed.isObject() ? parsed : object(body);
    }

    /**
     * The first character after a complete leading JSON value ("{…} garbage"), or null when the body does not
     * start with one (then the error is elsewhere).
     */
    private static String afterValue(byte[] body) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() == null) return null;
            p.skipChildren();
            int at = (int) p.currentLocation().getByteOffset();
            while (at < body.length && (body[at] == ' ' || body[at] == '\t' || body[at] == '\r' || body[at] == '\n')) at++;
            return at < body.length ? new String(body, at, 1, StandardCharsets.ISO_8859_1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses without failing, and leniently: the leading JSON value even with bytes after it, or null when there is
     * none (used only to pick a dialect, so a body the door will refuse is refused in the right one).
     */
    public static JsonNode quiet(byte[] body) {
        try {
            return body.length == 0 ? null : Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}

package dev.idleclaw.testkit;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** JSON and time formatting the way Ollama's Go code writes them. */
final class Wire {
    static final ObjectMapper MAPPER =
            new ObjectMapper(new JsonFactoryBuilder().characterEscapes(new GoEscapes()).build());
    static final String JSON = "application/json; charset=utf-8";
    static final String NDJSON = "application/x-ndjson";
    static final String TEXT = "text/plain; charset=utf-8";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final Pattern JACKSON_CHAR = Pattern.compile("^Unexpected character \\('(.+?)' \\(code \\d+\\)\\)");
    private static final Pattern JACKSON_TOKEN = Pattern.compile("^Unrecognized token '(.)");

    private Wire() {}

    static ObjectNode object() { return MAPPER.createObjectNode(); }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] line(JsonNode node) {
        var json = bytes(node);
        var out = java.util.Arrays.copyOf(json, json.length + 1);
        out[json.length] = '\n';
        return out;
    }

    static ObjectNode error(String message) { return object().put("error", message); }

    /** Go's RFC3339Nano: fractional seconds with trailing zeros trimmed, {@code Z} for UTC, else the offset. */
    static String rfc3339(OffsetDateTime time) {
        var fraction = time.getNano() == 0 ? "" : ("." + "%09d".formatted(time.getNano())).replaceAll("0+$", "");
        var offset = time.getOffset().getTotalSeconds() == 0 ? "Z" : time.getOffset().getId();
        return time.format(SECONDS) + fraction + offset;
    }

    /** {@code created_at} on inference replies: UTC. */
    static String createdAt() { return rfc3339(OffsetDateTime.now(ZoneOffset.UTC)); }

    /** {@code modified_at}, {@code expires_at}: the server's local offset. */
    static String localNow() { return rfc3339(OffsetDateTime.now()); }

    /** Reads a request body the way Go's json.Decoder would, with its error texts. */
    static JsonNode parse(byte[] body) throws BadRequest {
        var text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) throw new BadRequest(400, "missing request body");
        try {
            return MAPPER.readTree(text);
        } catch (JsonEOFException e) {
            throw new BadRequest(400, "unexpected EOF");
        } catch (JsonParseException e) {
            throw new BadRequest(400, goSyntaxError(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, e.getOriginalMessage());
        }
    }

    private static String goSyntaxError(String jackson) {
        var charMatch = JACKSON_CHAR.matcher(jackson);
        var tokenMatch = JACKSON_TOKEN.matcher(jackson);
        String ch;
        if (charMatch.find()) ch = charMatch.group(1);
        else if (tokenMatch.find()) ch = tokenMatch.group(1);
        else return jackson;
        var where = jackson.contains("double-quote to start field name") ? "looking for beginning of object key string"
                : jackson.contains("colon to separate") ? "after object key"
                : jackson.contains("separate Object entries") ? "after object key:value pair"
                : jackson.contains("separate Array entries") ? "after array element"
                : "looking for beginning of value";
        return "invalid character '" + ch + "' " + where;
    }

    /** A failure answered with a status and {@code {"error":message}} before any reply byte. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** Go's encoding/json escapes {@code < > &}, U+2028, U+2029 and control characters as lower-case \\u00xx. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        GoEscapes() {
            for (var c : new int[] {'<', '>', '&'}) ascii[c] = ESCAPE_CUSTOM;
            for (int c = 0; c < 0x20; c++) {
                if ("\n\r\t\b\f".indexOf(c) < 0) ascii[c] = ESCAPE_CUSTOM;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() { return ascii; }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            var escaped = ch < 0x80 || ch == 0x2028 || ch == 0x2029;
            return escaped ? new SerializedString("\\u%04x".formatted(ch)) : null;
        }
    }
}

package dev.idleclaw.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The one Jackson configuration shared by every part of IdleClaw: compact output, insertion order kept. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // "{…} garbage" is not one JSON value
            .build();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses text into a tree; throws {@link JsonProcessingException} on malformed input. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /**
     * Parses UTF-8 bytes into a tree; throws {@link JsonProcessingException} on malformed JSON and on malformed
     * UTF-8 (overlong forms, encoded surrogates, truncated sequences), which Jackson alone would let through. The
     * bytes are checked in place and parsed as they are: a request body is not copied into a {@code String} first.
     */
    public static JsonNode parse(byte[] bytes) throws java.io.IOException {
        if (!Utf8.valid(bytes)) throw new JsonParseException(null, "Invalid UTF-8 in JSON input");
        // What Jackson would not read as UTF-8 (a byte order mark, zero bytes up front) is parsed as the text it is.
        return Utf8.plainStart(bytes) ? MAPPER.readTree(bytes) : MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@code value} as one NDJSON line: its UTF-8 JSON and a {@code \n}, written straight to bytes. */
    public static byte[] line(Object value) {
        var out = new java.io.ByteArrayOutputStream(256);
        try {
            MAPPER.writeValue(out, value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** A JSON string literal (with quotes) for {@code s}. */
    public static String quote(String s) {
        var sb = new StringBuilder(s.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"').toString();
    }

    /** Text of a string node, or null when the node is absent, null or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}

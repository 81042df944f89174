package dev.idleclaw.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idleclaw.json.Json;
import java.io.IOException;

/**
 * A one-pass scan of the frame a node sends for nearly every token: an {@code inference_chunk} that is not the last
 * ({@code done} absent or {@code false}) and carries only {@code message.content} and {@code message.thinking} text,
 * no tool calls and no receipt. Such a frame yields its request id and the two texts without building a JSON tree.
 * Anything else — another type, a final chunk, tool calls, a receipt, a repeated key, a field of an unexpected
 * type, malformed JSON — yields null, and the caller decodes the frame with {@link WireCodec#decodeNode}, which
 * validates it and refuses it exactly as before. A scanned frame therefore always decodes there to the same texts.
 */
public final class ChunkScan {
    private ChunkScan() {}

    /** The parts of a plain chunk frame the relay uses. */
    public record Piece(String requestId, String content, String thinking) {}

    /** The texts of a plain chunk line. */
    public record Texts(String content, String thinking) {}

    /** The frame's {@link Piece}, or null when {@code text} is not a plain non-final chunk (decode it instead). */
    public static Piece piece(String text) {
        if (!text.contains("inference_chunk")) return null; // a heartbeat or registration: nothing to scan

        try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
            Piece piece = frame(p);
            // Whatever follows the object makes the frame invalid JSON for the full decoder: let it say so.
            return piece != null && p.nextToken() == null ? piece : null;
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
    }

    /**
     * The texts of a cluster member's NDJSON line when it is a plain non-final chunk: an object of {@code message}
     * (content and thinking text, no tool calls) and {@code done:false}, and nothing else. Any other line (the final
     * chunk, an {@code error} or {@code refused} line, a receipt, an unknown key, malformed JSON) yields null, and the
     * caller decodes it in full.
     */
    public static Texts memberLine(String line) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String[] texts = null;
            boolean done = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "message" -> {
                        if (texts != null || v != JsonToken.START_OBJECT) return null;
                        texts = new String[] {"", ""};
                        if (!message(p, texts)) return null;
                    }
                    case "done" -> {
                        if (done || v != JsonToken.VALUE_FALSE) return null;
                        done = true;
                    }
                    default -> { return null; }
                }
            }
            if (t != JsonToken.END_OBJECT || texts == null || !done || p.nextToken() != null) return null;
            return new Texts(texts[0], texts[1]);
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
    }

    private static Piece frame(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return null;
        String type = null, id = null;
        String[] texts = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> {
                    if (type != null || v != JsonToken.VALUE_STRING || !p.getText().equals("inference_chunk")) return null;
                    type = p.getText();
                }
                case "request_id" -> {
                    if (id != null || v != JsonToken.VALUE_STRING) return null;
                    id = p.getText();
                }
                case "chunk" -> {
                    if (texts != null || v != JsonToken.START_OBJECT) return null;
                    texts = chunk(p);
                    if (texts == null) return null;
                }
                case "receipt" -> { return null; }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT || type == null || id == null || id.isEmpty() || texts == null) return null;
        return new Piece(id, texts[0], texts[1]);
    }

    /** {@code {content, thinking}} of a non-final chunk object (the parser is on its start), or null. */
    private static String[] chunk(JsonParser p) throws IOException {
        String[] texts = {"", ""};
        boolean done = false, message = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "done" -> {
                    if (done || v != JsonToken.VALUE_FALSE) return null;
                    done = true;
                }
                case "message" -> {
                    if (message || v != JsonToken.START_OBJECT || !message(p, texts)) return null;
                    message = true;
                }
                default -> p.skipChildren();
            }
        }
        return texts;
    }

    private static boolean message(JsonParser p, String[] texts) throws IOException {
        boolean content = false, thinking = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "content" -> {
                    if (content || v != JsonToken.VALUE_STRING) return false;
                    content = true;
                    texts[0] = p.getText();
                }
                case "thinking" -> {
                    if (thinking || v != JsonToken.VALUE_STRING) return false;
                    thinking = true;
                    texts[1] = p.getText();
                }
                case "tool_calls" -> { return false; }
                default -> p.skipChildren();
            }
        }
        return true;
    }
}

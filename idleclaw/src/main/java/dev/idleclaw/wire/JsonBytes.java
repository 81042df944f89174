package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The exact length in bytes of a JSON tree as Jackson writes it compactly (UTF-8, no escaping of non-ASCII), counted
 * without writing it: the hub sizes every relayed request, and a 64 KiB body should not be serialized twice.
 */
public final class JsonBytes {
    private JsonBytes() {}

    public static long of(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> object(node);
            case ARRAY -> {
                long n = 2 + Math.max(0, node.size() - 1);
                for (JsonNode e : node) n += of(e);
                yield n;
            }
            case STRING -> string(node.textValue());
            case NUMBER, BOOLEAN, NULL -> node.toString().length();
            case BINARY, POJO, MISSING -> node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        };
    }

    private static long object(JsonNode node) {
        long n = 2 + Math.max(0, node.size() - 1);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            n += string(e.getKey()) + 1 + of(e.getValue());
        }
        return n;
    }

    /** A quoted string: two quotes, short escapes for {@code " \ \b \f \n \r \t}, six bytes for other controls. */
    static long string(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                n += switch (c) {
                    case '\b', '\f', '\n', '\r', '\t' -> 2;
                    default -> 6;
                };
            } else if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}

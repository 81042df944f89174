package dev.idleclaw.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * RFC 8785 (JCS) canonical JSON, the signing input of every Lobstah object (lobstah-wire.md §3): keys sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string forms. Absent fields must be absent, not null.
 */
public final class Canonical {
    private Canonical() {}

    /** The UTF-8 bytes of the canonical form of {@code value}. */
    public static byte[] bytes(JsonNode value) {
        try {
            return new JsonCanonicalizer(Json.write(value)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot canonicalise: " + e.getMessage(), e);
        }
    }

    /** The canonical form as a string. */
    public static String text(JsonNode value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }
}

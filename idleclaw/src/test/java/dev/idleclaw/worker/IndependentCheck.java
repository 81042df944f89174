package dev.idleclaw.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.PublicKeys;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Receipt verification that shares nothing with the product's signing path: a tiny canonicaliser written here from
 * lobstah-wire.md §3 (sorted keys by UTF-16 code units, compact, strings with only {@code "}, {@code \}, short
 * escapes and a six-character u00xx escape for other controls; {@code /} and non-ASCII raw) instead of our {@code Canonical} (the
 * JCS library), and the JDK's own Ed25519 ({@code SunEC}) instead of Bouncy Castle's RFC 8032 code.
 */
final class IndependentCheck {
    private IndependentCheck() {}

    /** The canonical text of a JSON value holding objects, arrays, strings, integers and booleans. */
    static String canonical(JsonNode v) {
        var sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(JsonNode v, StringBuilder sb) {
        if (v.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) keys.add(it.next());
            keys.sort(String::compareTo); // String.compareTo compares UTF-16 code units, as JS's default sort
            sb.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) sb.append(',');
                string(keys.get(i), sb);
                sb.append(':');
                write(v.get(keys.get(i)), sb);
            }
            sb.append('}');
        } else if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(',');
                write(v.get(i), sb);
            }
            sb.append(']');
        } else if (v.isTextual()) {
            string(v.textValue(), sb);
        } else if (v.isIntegralNumber()) {
            sb.append(v.bigIntegerValue().toString());
        } else if (v.isBoolean()) {
            sb.append(v.booleanValue());
        } else {
            throw new IllegalArgumentException("not expected in a signed object: " + v);
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** True when {@code signed.signature} verifies over the canonical {@code signed.receipt} with the JDK's Ed25519. */
    static boolean receiptVerifies(JsonNode signed) throws Exception {
        JsonNode receipt = signed.get("receipt");
        byte[] message = canonical(receipt).getBytes(StandardCharsets.UTF_8);
        var verifier = Signature.getInstance("Ed25519", "SunEC");
        verifier.initVerify(PublicKeys.decode(receipt.get("workerPubkey").textValue()));
        verifier.update(message);
        return verifier.verify(HexFormat.of().parseHex(signed.get("signature").textValue()));
    }

    /** The wire form's JSON (standard base64 of UTF-8 JSON). */
    static JsonNode decode(String base64) throws Exception {
        return dev.idleclaw.json.Json.parse(new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8));
    }
}

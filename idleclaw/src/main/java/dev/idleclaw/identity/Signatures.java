package dev.idleclaw.identity;

import java.util.HexFormat;
import java.util.regex.Pattern;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032, pure) verification of 128-hex signatures against {@code lob1…} keys. Uses Bouncy Castle's
 * RFC 8032 code rather than the JDK provider: a hub verifies one signature per served request, and the JDK's
 * Ed25519 costs ~620 µs per verification on our 2-core machine against ~82 µs here (docs/benchmarks.md).
 */
public final class Signatures {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{128}");

    private Signatures() {}

    /**
     * True when {@code signatureHex} is a valid signature of {@code message} by {@code publicKey}. Any malformed
     * input (key, hex, point) is simply "not valid", never an exception.
     */
    public static boolean verify(String publicKey, byte[] message, String signatureHex) {
        if (signatureHex == null || !FORM.matcher(signatureHex).matches() || !PublicKeys.valid(publicKey)) return false;
        try {
            byte[] sig = HexFormat.of().parseHex(signatureHex);
            return Ed25519.verify(sig, 0, PublicKeys.raw(publicKey), 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }
}

package dev.idleclaw.identity;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Ed25519 (RFC 8032, pure) verification of 128-hex signatures against {@code lob1…} keys. */
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
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(PublicKeys.decode(publicKey));
            v.update(message);
            return v.verify(HexFormat.of().parseHex(signatureHex));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}

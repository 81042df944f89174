package dev.idleclaw.identity;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The text form of an Ed25519 public key shared with the Lobstah grid (lobstah-wire.md §2): the literal prefix
 * {@code lob1} and the raw 32-byte key as 64 lowercase hex characters. Uppercase is refused.
 */
public final class PublicKeys {
    public static final String PREFIX = "lob1";
    private static final Pattern FORM = Pattern.compile("lob1[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();

    private PublicKeys() {}

    /** True when {@code text} is exactly {@code lob1} + 64 lowercase hex characters. */
    public static boolean valid(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    /** The raw 32 key bytes of a {@code lob1…} key. */
    public static byte[] raw(String text) {
        if (!valid(text)) throw new IllegalArgumentException("not a lob1 public key (lob1 + 64 lowercase hex)");
        return HEX.parseHex(text, PREFIX.length(), text.length());
    }

    /** {@code lob1} + the RFC 8032 encoding of {@code key}. */
    public static String text(PublicKey key) {
        if (!(key instanceof EdECPublicKey ed)) throw new IllegalArgumentException("not an Ed25519 key");
        EdECPoint point = ed.getPoint();
        byte[] y = point.getY().toByteArray();
        byte[] out = new byte[32];
        // BigInteger is big-endian with a possible sign byte; the encoding is little-endian y with x's parity on top.
        for (int i = 0; i < 32 && i < y.length; i++) out[i] = y[y.length - 1 - i];
        if (point.isXOdd()) out[31] |= (byte) 0x80;
        return PREFIX + HEX.formatHex(out);
    }

    /** The JDK key for a {@code lob1…} text key; refuses encodings the JDK cannot decode. */
    public static PublicKey decode(String text) {
        byte[] raw = raw(text);
        boolean xOdd = (raw[31] & 0x80) != 0;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = raw[31 - i];
        be[0] &= 0x7f;
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(
                    new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key", e);
        }
    }
}

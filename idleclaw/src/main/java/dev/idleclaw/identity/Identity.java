package dev.idleclaw.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECPrivateKey;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair: the 32-byte seed (kept secret) and its public key in {@code lob1…} form. New keys come from
 * the JDK's Ed25519 key generator; signing uses Bouncy Castle's RFC 8032 code, which is several times faster (see
 * {@link Signatures}). Signing is deterministic, so the same seed and message always give the same signature.
 */
public final class Identity {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] seed;
    private final String publicKey;

    private Identity(byte[] seed) {
        this.seed = seed.clone();
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(this.seed, 0, pk, 0);
        this.publicKey = PublicKeys.PREFIX + HEX.formatHex(pk);
    }

    /** A fresh identity from the JDK's Ed25519 key generator. */
    public static Identity generate() {
        try {
            var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            var id = new Identity(seed);
            if (!id.publicKey.equals(PublicKeys.text(pair.getPublic()))) throw new IllegalStateException("Ed25519 key derivation mismatch");
            return id;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** The identity of a 32-byte seed. */
    public static Identity fromSeed(byte[] seed) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        return new Identity(seed);
    }

    /** The identity of a 64-hex seed (Lobstah's {@code secretKey}). */
    public static Identity fromSeedHex(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) throw new IllegalArgumentException("secretKey must be 64 hex characters");
        return fromSeed(HEX.parseHex(hex));
    }

    /** {@code lob1} + 64 lowercase hex. */
    public String publicKey() {
        return publicKey;
    }

    /** The seed as 64 lowercase hex, for the identity file only. */
    public String seedHex() {
        return HEX.formatHex(seed);
    }

    /** The 128-hex Ed25519 signature of {@code message}. */
    public String sign(byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
        return HEX.formatHex(sig);
    }

    @Override
    public String toString() {
        return "Identity[" + publicKey + "]";
    }
}

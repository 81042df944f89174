package dev.idleclaw.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;

/**
 * An Ed25519 key pair: the 32-byte seed (kept secret) and its public key in {@code lob1…} form. Signing is
 * deterministic, so the same seed and message always give the same signature.
 */
public final class Identity {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] seed;
    private final PrivateKey privateKey;
    private final String publicKey;

    private Identity(byte[] seed) throws GeneralSecurityException {
        this.seed = seed.clone();
        this.privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        // The JDK derives the public key only through a KeyPairGenerator seeded with these exact bytes.
        var generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
        this.publicKey = PublicKeys.text(generator.generateKeyPair().getPublic());
    }

    /** A fresh random identity. */
    public static Identity generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return fromSeed(seed);
    }

    /** The identity of a 32-byte seed. */
    public static Identity fromSeed(byte[] seed) {
        if (seed.length != 32) throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        try {
            return new Identity(seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
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
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return HEX.formatHex(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "Identity[" + publicKey + "]";
    }

    /** Hands the key generator exactly the seed (it asks for 32 bytes once). */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            System.arraycopy(bytes, 0, out, 0, Math.min(out.length, bytes.length));
        }
    }
}

package dev.idleclaw.identity;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.util.BigIntegers;

/**
 * A Nostr key pair as Lobstah keeps it in its identity file (lobstah-wire.md §2): a secp256k1 secret {@code d}
 * with {@code 1 ≤ d < n}, and its BIP340 x-only public key, the 32-byte x coordinate of {@code d·G}. We only store
 * and show it, and sign Nostr events with it (BIP-340, {@link Bip340}) when announcing to relays.
 */
public final class NostrKey {
    /** NIP-19's human-readable part for public keys. */
    private static final String NPUB = "npub";
    /** Both keys are 32 bytes, written as 64 hex characters. */
    private static final int KEY_BYTES = 32;
    private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;
    private final byte[] publicKey;

    private NostrKey(BigInteger d) {
        this.secret = BigIntegers.asUnsignedByteArray(KEY_BYTES, d);
        this.publicKey = SECP256K1.getG().multiply(d).normalize().getAffineXCoord().getEncoded();
    }

    /** A fresh key: a uniformly random secret in {@code [1, n)}. */
    public static NostrKey generate() {
        BigInteger n = SECP256K1.getN();
        BigInteger d;
        do {
            d = new BigInteger(n.bitLength(), RANDOM);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return new NostrKey(d);
    }

    /** The key of a 64-hex secret; throws {@link IllegalArgumentException} unless it is 64 hex in {@code [1, n)}. */
    public static NostrKey fromSecretHex(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) throw new IllegalArgumentException("a Nostr secret key is 64 hex characters");
        BigInteger d = new BigInteger(1, HEX.parseHex(hex));
        if (d.signum() == 0 || d.compareTo(SECP256K1.getN()) >= 0) {
            throw new IllegalArgumentException("a Nostr secret key must be between 1 and the secp256k1 group order");
        }
        return new NostrKey(d);
    }

    /** The x-only public key as 64 lowercase hex (Lobstah's {@code nostrPublicKey}). */
    public String publicKeyHex() {
        return HEX.formatHex(publicKey);
    }

    /** The secret as 64 lowercase hex, for the identity file only. */
    public String secretKeyHex() {
        return HEX.formatHex(secret);
    }

    /** The BIP-340 signature (64 bytes) of {@code message} by this key, with fresh auxiliary randomness. */
    public byte[] sign(byte[] message) {
        byte[] aux = new byte[KEY_BYTES];
        RANDOM.nextBytes(aux);
        return Bip340.sign(secret, message, aux);
    }

    /** The public key in NIP-19 form, {@code npub1…}, as Lobstah's CLI shows it. */
    public String npub() {
        return Bech32.encode(NPUB, publicKey);
    }

    @Override
    public String toString() {
        return "NostrKey[" + npub() + "]";
    }
}

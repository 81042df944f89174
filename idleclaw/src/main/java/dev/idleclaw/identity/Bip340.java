package dev.idleclaw.identity;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * BIP-340 Schnorr signatures over secp256k1 with x-only public keys, as Nostr (NIP-01) uses them, written from the
 * BIP's reference algorithm over Bouncy Castle's curve arithmetic (Bouncy Castle has no BIP-340 API). Checked
 * against the BIP's official test vectors ({@code Bip340Test}). Messages may be of any length.
 */
public final class Bip340 {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
    private static final BigInteger N = CURVE.getN();
    private static final BigInteger P = CURVE.getCurve().getField().getCharacteristic();
    /** Keys, x coordinates and scalars are 32 bytes. */
    private static final int SIZE = 32;

    private Bip340() {}

    /** The 32-byte x-only public key of secret {@code secret} (32 bytes, {@code 1 ≤ d < n}). */
    public static byte[] publicKey(byte[] secret) {
        return xBytes(CURVE.getG().multiply(scalar(secret)).normalize());
    }

    /**
     * The 64-byte signature of {@code message} by {@code secret}, with {@code auxRand} (32 bytes; fresh randomness
     * in production, fixed in test vectors). The result is verified before it is returned, as the BIP recommends.
     */
    public static byte[] sign(byte[] secret, byte[] message, byte[] auxRand) {
        if (auxRand.length != SIZE) throw new IllegalArgumentException("aux_rand must be 32 bytes");
        BigInteger d0 = scalar(secret);
        ECPoint pk = CURVE.getG().multiply(d0).normalize();
        BigInteger d = evenY(pk) ? d0 : N.subtract(d0);
        byte[] px = xBytes(pk);
        byte[] t = xor(bytes(d), taggedHash("BIP0340/aux", auxRand));
        BigInteger k0 = new BigInteger(1, taggedHash("BIP0340/nonce", t, px, message)).mod(N);
        if (k0.signum() == 0) throw new IllegalStateException("BIP-340 nonce is zero");
        ECPoint r = CURVE.getG().multiply(k0).normalize();
        BigInteger k = evenY(r) ? k0 : N.subtract(k0);
        byte[] rx = xBytes(r);
        BigInteger e = new BigInteger(1, taggedHash("BIP0340/challenge", rx, px, message)).mod(N);
        byte[] sig = concat(rx, bytes(k.add(e.multiply(d)).mod(N)));
        if (!verify(px, message, sig)) throw new IllegalStateException("BIP-340 signature failed its own verification");
        return sig;
    }

    /** True when {@code sig} (64 bytes) is a valid signature of {@code message} by x-only key {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] sig) {
        if (publicKey == null || publicKey.length != SIZE || sig == null || sig.length != 2 * SIZE || message == null) return false;
        ECPoint pk = liftX(new BigInteger(1, publicKey));
        if (pk == null) return false;
        byte[] rx = Arrays.copyOfRange(sig, 0, SIZE);
        BigInteger r = new BigInteger(1, rx);
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, SIZE, 2 * SIZE));
        if (r.compareTo(P) >= 0 || s.compareTo(N) >= 0) return false;
        BigInteger e = new BigInteger(1, taggedHash("BIP0340/challenge", rx, publicKey, message)).mod(N);
        ECPoint big = CURVE.getG().multiply(s).add(pk.multiply(N.subtract(e).mod(N))).normalize();
        if (big.isInfinity() || !evenY(big)) return false;
        return big.getAffineXCoord().toBigInteger().equals(r);
    }

    /** The point with x coordinate {@code x} and an even y, or null when there is none. */
    private static ECPoint liftX(BigInteger x) {
        if (x.compareTo(P) >= 0) return null;
        BigInteger c = x.modPow(BigInteger.valueOf(3), P).add(BigInteger.valueOf(7)).mod(P);
        BigInteger y = c.modPow(P.add(BigInteger.ONE).shiftRight(2), P);
        if (!y.modPow(BigInteger.TWO, P).equals(c)) return null;
        if (y.testBit(0)) y = P.subtract(y);
        return CURVE.getCurve().createPoint(x, y).normalize();
    }

    private static BigInteger scalar(byte[] secret) {
        if (secret == null || secret.length != SIZE) throw new IllegalArgumentException("a secp256k1 secret key is 32 bytes");
        BigInteger d = new BigInteger(1, secret);
        if (d.signum() == 0 || d.compareTo(N) >= 0) throw new IllegalArgumentException("a secp256k1 secret key must be in [1, n)");
        return d;
    }

    private static boolean evenY(ECPoint normalized) {
        return !normalized.getAffineYCoord().toBigInteger().testBit(0);
    }

    private static byte[] xBytes(ECPoint normalized) {
        return bytes(normalized.getAffineXCoord().toBigInteger());
    }

    private static byte[] bytes(BigInteger v) {
        return BigIntegers.asUnsignedByteArray(SIZE, v);
    }

    /** BIP-340's {@code tagged_hash(tag, x) = sha256(sha256(tag) ‖ sha256(tag) ‖ x)}, {@code x} given in parts. */
    static byte[] taggedHash(String tag, byte[]... parts) {
        MessageDigest sha = sha256();
        byte[] tagHash = sha.digest(tag.getBytes(StandardCharsets.UTF_8));
        sha.update(tagHash);
        sha.update(tagHash);
        for (byte[] p : parts) sha.update(p);
        return sha.digest();
    }

    /** A fresh SHA-256 digest (every JDK has one). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (byte) (a[i] ^ b[i]);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

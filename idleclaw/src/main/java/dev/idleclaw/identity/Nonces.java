package dev.idleclaw.identity;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The one-time values of our signed formats: 16 random bytes as 32 lowercase hex (Lobstah's receipt nonce form). */
public final class Nonces {
    /** 128 bits: collisions are out of reach even across every receipt a network will ever sign. */
    static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Nonces() {}

    /** A fresh nonce, 32 lowercase hex characters. */
    public static String next() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

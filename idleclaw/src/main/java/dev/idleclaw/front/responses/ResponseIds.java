package dev.idleclaw.front.responses;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ids of responses and their output items: a prefix ({@code resp}, {@code msg}, {@code fc}, {@code rs}) and random hex. */
final class ResponseIds {
    /** 16 random bytes: collision-free at any realistic volume. */
    private static final int RANDOM_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseIds() {}

    static String next(String prefix) {
        byte[] b = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(b);
        return prefix + "_" + HexFormat.of().formatHex(b);
    }
}

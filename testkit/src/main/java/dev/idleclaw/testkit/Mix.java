package dev.idleclaw.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** 64-bit mixing for the stand-in model: every pseudo-random choice is a function of a few numbers. */
final class Mix {
    private Mix() {}

    /** A well-mixed function of the values (SplitMix64 finaliser folded over them). */
    static long of(long... values) {
        long h = 0x9E3779B97F4A7C15L;
        for (var v : values) h = finish(h ^ finish(v + 0x632BE59BD9B4E019L));
        return h;
    }

    /** A random stream determined by the values. */
    static SplittableRandom random(long... values) {
        return new SplittableRandom(of(values));
    }

    /** The first 64 bits of the text's SHA-256. */
    static long text(String text) {
        try {
            var hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < Long.BYTES; i++) h = (h << 8) | (hash[i] & 0xFF);
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.idleclaw.front.ollama;

import java.security.SecureRandom;

/** Tool call ids in Ollama's form: {@code call_} + 8 characters of {@code [a-z0-9]}. */
public final class ToolCallIds {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** Ollama's id length; unique enough within one answer, which is all a client needs. */
    private static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ToolCallIds() {}

    public static String next() {
        var sb = new StringBuilder("call_");
        for (int i = 0; i < LENGTH; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }
}

package dev.idleclaw.front.openai;

import java.security.SecureRandom;
import java.util.Base64;

/** Completion ids: {@code chatcmpl-} + 24 random URL-safe characters, unique across the network. */
final class CompletionIds {
    /** 18 random bytes are 24 base64url characters: 144 bits, collision-free at any realistic volume. */
    private static final int RANDOM_BYTES = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CompletionIds() {}

    static String next() {
        byte[] b = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(b);
        return "chatcmpl-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

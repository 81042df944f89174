package dev.idleclaw.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Operator-issued API keys, the alternative to signed requests for clients that can only send a bearer token
 * (OpenAI SDKs): {@code ick_} + 32 random bytes in unpadded base64url. The hub stores only the key's SHA-256 and
 * finds the owner by that hash, so no stored secret is ever compared directly.
 */
public final class ApiKeys {
    /** Marks our keys; any other bearer token (an SDK's dummy key) is not ours and means "anonymous". */
    public static final String PREFIX = "ick_";
    /** 256 bits of randomness: guessing is hopeless. */
    private static final int KEY_BYTES = 32;
    private static final String BEARER = "bearer ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** A fresh key. */
    public static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the key's UTF-8 bytes: what the ledger stores and looks up. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * The key in an {@code Authorization: Bearer <key>} header value when it is one of ours ({@code ick_…});
     * empty for a missing header, another scheme or anyone else's token (treat the request as anonymous).
     */
    public static Optional<String> fromAuthorization(String authorization) {
        return bearerToken(authorization).filter(token -> token.startsWith(PREFIX));
    }

    /**
     * The key in an {@code x-api-key} header value (Anthropic's clients send theirs there) when it is one of ours;
     * empty otherwise, as for {@link #fromAuthorization}.
     */
    public static Optional<String> fromApiKeyHeader(String value) {
        if (value == null) return Optional.empty();
        String key = value.strip();
        return key.startsWith(PREFIX) ? Optional.of(key) : Optional.empty();
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header value, whoever issued it; the scheme is matched
     * case-insensitively (RFC 9110 §11.1), so {@code bearer} and {@code BEARER} count too. Empty for a missing
     * header, another scheme or an empty token.
     */
    public static Optional<String> bearerToken(String authorization) {
        if (authorization == null) return Optional.empty();
        String value = authorization.strip();
        if (value.length() <= BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Optional.empty();
        }
        String token = value.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Whether {@code key} hashes to {@code expectedSha256}, compared in constant time. */
    public static boolean matches(String key, byte[] expectedSha256) {
        return key != null && expectedSha256 != null && MessageDigest.isEqual(sha256(key), expectedSha256);
    }
}

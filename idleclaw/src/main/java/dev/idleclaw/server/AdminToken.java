package dev.idleclaw.server;

import dev.idleclaw.auth.ApiKeys;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The operator's {@code --admin-token}, accepted only in {@code Authorization: Bearer …} (never a cookie, query or
 * body, so a page elsewhere cannot make a browser send it: no CSRF) and compared in constant time over digests.
 */
final class AdminToken {
    private final byte[] digest;

    /** {@code token}: empty for none (then nobody is the admin). */
    AdminToken(String token) {
        this.digest = token.isEmpty() ? null : sha256(token);
    }

    /** Whether the request carries the admin token ({@code Authorization: Bearer …}, any scheme case). */
    boolean matches(Context ctx) {
        var token = ApiKeys.bearerToken(ctx.header("Authorization"));
        return digest != null && token.isPresent() && MessageDigest.isEqual(digest, sha256(token.get()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

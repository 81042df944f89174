package dev.idleclaw.web;

import io.javalin.http.Context;

/** The headers every page and asset carries: what the browser may load, frame, sniff and tell other sites. */
final class SecurityHeaders {
    /** Pages revalidate every time, so a new release is seen at once; they are small. */
    static final String PAGE_CACHE = "no-cache";
    /** Versioned URLs never change their bytes: a year, and no revalidation. */
    static final String ASSET_CACHE = "public, max-age=31536000, immutable";

    private SecurityHeaders() {}

    /**
     * Scripts only from the hub itself, plus the one inline import map by its hash (no other inline script, no
     * {@code eval}); styles only from files (so a style attribute smuggled into model output does nothing); no
     * plugins, no framing, no forms or base URLs pointing elsewhere; fetches only to the hub.
     */
    static String contentSecurityPolicy(String importMapHash) {
        return "default-src 'none'; script-src 'self' '" + importMapHash + "'; style-src 'self'; img-src 'self' data:; "
                + "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; "
                + "frame-ancestors 'none'; object-src 'none'";
    }

    static void apply(Context ctx, String csp, String cacheControl) {
        ctx.header("Content-Security-Policy", csp);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        ctx.header("Cache-Control", cacheControl);
    }
}

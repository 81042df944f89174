package dev.idleclaw.front;

import io.javalin.http.Context;

/**
 * Who sent a chat request: the key it proved (a signed request or an operator-bound API key), or nobody
 * (anonymous, the free tier). {@code credited}: the key has credit available, so it waits ahead of anonymous callers.
 * {@code via}: for a request forwarded by other hubs, the hubs it crossed (loop prevention; empty otherwise).
 */
public record Caller(String pubkey, boolean credited, java.util.List<String> via) {
    public static final Caller ANONYMOUS = new Caller(null, false, java.util.List.of());

    /** A caller that came straight to this hub. */
    public Caller(String pubkey, boolean credited) {
        this(pubkey, credited, java.util.List.of());
    }
    /** The request attribute the hub's routes store the caller under. */
    public static final String ATTRIBUTE = "idleclaw.caller";

    /** The caller the routes resolved for this request (anonymous if none). */
    public static Caller of(Context ctx) {
        Caller c = ctx.attribute(ATTRIBUTE);
        return c == null ? ANONYMOUS : c;
    }
}

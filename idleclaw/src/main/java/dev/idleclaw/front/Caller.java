package dev.idleclaw.front;

import io.javalin.http.Context;

/**
 * Who sent a chat request: the key it proved (a signed request or an operator-bound API key), or nobody
 * (anonymous, the free tier). {@code credited}: the key has credit available, so it waits ahead of anonymous callers.
 * {@code verified}: the key was proved; false only for a key a worker took from a bare {@code x-lobstah-requester}
 * header (what original Lobstah routers send): receipts name it, but it is never credited nor debited.
 */
public record Caller(String pubkey, boolean credited, boolean verified) {
    public static final Caller ANONYMOUS = new Caller(null, false, false);
    /** The request attribute the hub's routes store the caller under. */
    public static final String ATTRIBUTE = "idleclaw.caller";

    /** A caller that proved {@code pubkey}. */
    public static Caller verified(String pubkey, boolean credited) {
        return new Caller(pubkey, credited, true);
    }

    /** A key only named by a bare header: receipts carry it, the ledger never debits it, it gets no priority. */
    public static Caller named(String pubkey) {
        return new Caller(pubkey, false, false);
    }

    /** The caller the routes resolved for this request (anonymous if none). */
    public static Caller of(Context ctx) {
        Caller c = ctx.attribute(ATTRIBUTE);
        return c == null ? ANONYMOUS : c;
    }
}

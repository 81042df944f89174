package dev.idleclaw.relay;

import io.javalin.http.Context;
import java.util.List;

/**
 * Who sent a chat request: the key it proved (a signed request or an operator-bound API key), or nobody
 * (anonymous, the free tier). {@code credited}: the key has credit available, so it waits ahead of anonymous callers.
 * {@code verified}: the key was proved; false only for a key a worker took from a bare {@code x-lobstah-requester}
 * header (what original Lobstah routers send): receipts name it, but it is never credited nor debited.
 * {@code via}: for a request forwarded by other hubs, the hubs it crossed (loop prevention; empty otherwise).
 */
public record Caller(String pubkey, boolean credited, boolean verified, List<String> via) {
    public static final Caller ANONYMOUS = new Caller(null, false, false, List.of());
    /** The request attribute the hub's routes store the caller under. */
    public static final String ATTRIBUTE = "idleclaw.caller";

    public Caller {
        via = List.copyOf(via);
    }

    /** A proved key that came straight to this hub. */
    public Caller(String pubkey, boolean credited) {
        this(pubkey, credited, pubkey != null, List.of());
    }

    /** A proved key (or anonymous, when {@code pubkey} is null) on a request other hubs forwarded through {@code via}. */
    public Caller(String pubkey, boolean credited, List<String> via) {
        this(pubkey, credited, pubkey != null, via);
    }

    /** A caller that proved {@code pubkey}. */
    public static Caller verified(String pubkey, boolean credited) {
        return new Caller(pubkey, credited, true, List.of());
    }

    /** A key only named by a bare header: receipts carry it, the ledger never debits it, it gets no priority. */
    public static Caller named(String pubkey) {
        return new Caller(pubkey, false, false, List.of());
    }

    /**
     * Whether the caller is another router or hub (a signed forward, or a Lobstah router naming itself in a bare
     * header): it checks that its receipt is signed by the hub it called, so the hub vouches for its node's.
     */
    public boolean fromAnotherHub() {
        return fromAnotherHub(via, pubkey, verified);
    }

    /** {@link #fromAnotherHub()} for a request known by its parts. */
    public static boolean fromAnotherHub(List<String> via, String pubkey, boolean verified) {
        return !via.isEmpty() || (pubkey != null && !verified);
    }

    /** The caller the routes resolved for this request (anonymous if none). */
    public static Caller of(Context ctx) {
        Caller c = ctx.attribute(ATTRIBUTE);
        return c == null ? ANONYMOUS : c;
    }
}

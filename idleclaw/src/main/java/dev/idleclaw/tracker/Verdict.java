package dev.idleclaw.tracker;

/** What the {@link Tracker} made of one announce or unannounce; the routes turn it into the wire answer. */
public sealed interface Verdict {

    /** The announcement is stored (or was already, byte for byte). */
    record Announced(String pubkey, long ttlSeconds, int registeredCount) implements Verdict {}

    /** The withdrawal was valid; {@code removed} says whether a live announcement went away. */
    record Unannounced(boolean removed) implements Verdict {}

    /** Refused with a reason ({@code 400 {"error":{"type":"rejected","reason":…}}}). */
    record Refused(Reason reason) implements Verdict {}

    /** Why a request was refused; {@link #wire} is the {@code reason} string sent back. */
    enum Reason {
        /** The signature does not verify with the key inside the body (upstream). */
        BAD_SIGNATURE("bad-signature"),
        /** Past its TTL, an unannounce outside ±5 min, or not newer than what the tracker holds for the key. */
        STALE("stale"),
        /** {@code announcedAt} more than 5 min ahead (upstream). */
        FUTURE("future"),
        /** Ours: the URL is not http(s) or resolves to a refused address. */
        UNSAFE_URL("unsafe-url"),
        /** Ours: the tracker holds its maximum of keys and this one is new. */
        FULL("full");

        public final String wire;

        Reason(String wire) {
            this.wire = wire;
        }
    }
}

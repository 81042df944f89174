package dev.idleclaw.cluster;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The forward nonces this hub has accepted, kept in memory until their timestamp leaves the skew window. Memory is
 * enough because a forward signature names the receiving member's host, so a forward can only ever be replayed to the
 * hub it was signed for; and a restart forgets nothing that matters, because forwards timestamped before this hub
 * started are refused ({@link #claim}). (The ledger's per-key nonce table, built for consumers, capped one forwarding
 * hub at 1,000 forwards per ten minutes and cost three queries per forward: S9 hit the cap within seconds.)
 */
final class ForwardNonces {
    /** Live nonces kept at most: 60 s of forwards (the skew window both ways) at over 3,000 a second. */
    static final int MAX_LIVE = 200_000;
    /** Expired nonces are swept once every this many claims, so the map stays near its live size. */
    static final int SWEEP_EVERY = 1_024;

    /** Why a nonce was not claimed. */
    enum Claim { CLAIMED, REPLAYED, BEFORE_START, FULL }

    private final long startedAt;
    private final long skewMillis;
    private final int maxLive;
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger claims = new AtomicInteger();

    /** {@code startedAt}: this hub's start, before which no forward is taken; {@code skewMillis}: the window either way. */
    ForwardNonces(long startedAt, long skewMillis) {
        this(startedAt, skewMillis, MAX_LIVE);
    }

    /** {@code maxLive}: the live nonces kept at most ({@link #MAX_LIVE} but in tests). */
    ForwardNonces(long startedAt, long skewMillis, int maxLive) {
        this.startedAt = startedAt;
        this.skewMillis = skewMillis;
        this.maxLive = maxLive;
    }

    /** Claims {@code forwarder}'s {@code nonce} of a forward timestamped {@code timestamp}, already within the skew. */
    Claim claim(String forwarder, String nonce, long timestamp, long now) {
        if (timestamp < startedAt) return Claim.BEFORE_START;
        if (claims.incrementAndGet() % SWEEP_EVERY == 0 || expiries.size() >= maxLive) sweep(now);
        if (expiries.size() >= maxLive) return Claim.FULL;
        return expiries.putIfAbsent(forwarder + "/" + nonce, timestamp + skewMillis) == null ? Claim.CLAIMED : Claim.REPLAYED;
    }

    private void sweep(long now) {
        for (Iterator<Long> it = expiries.values().iterator(); it.hasNext(); ) if (it.next() < now) it.remove();
    }

    /** The live nonces kept at most. */
    int maxLive() {
        return maxLive;
    }

    int live() {
        return expiries.size();
    }
}

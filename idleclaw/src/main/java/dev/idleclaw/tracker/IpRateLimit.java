package dev.idleclaw.tracker;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Bucket4j token bucket per client address (in memory): capacity = requests per minute, starting full,
 * refilled smoothly. Upstream's tracker has no limit at all (lobstah-wire.md §1); ours keeps one address from
 * flooding the registry or the DNS resolver.
 */
final class IpRateLimit {
    /** Buckets idle this long are forgotten; a returning client starts full again. */
    static final Duration IDLE_EXPIRY = Duration.ofMinutes(10);
    /** Bound on tracked addresses, so an address-hopping flood cannot grow memory without limit. */
    static final int MAX_TRACKED = 100_000;

    private final int perMinute;
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();

    IpRateLimit(int perMinute) {
        if (perMinute < 1) throw new IllegalArgumentException("the rate limit must be at least 1 request per minute");
        this.perMinute = perMinute;
    }

    /** Takes one token; 0 when allowed, else the whole seconds to wait ({@code Retry-After}). */
    long take(String client) {
        if (buckets.size() >= MAX_TRACKED) sweep(System.nanoTime());
        if (buckets.size() >= MAX_TRACKED && !buckets.containsKey(client)) return IDLE_EXPIRY.toSeconds();
        Entry e = buckets.computeIfAbsent(client, k -> new Entry(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build()));
        e.lastUsed = System.nanoTime();
        var probe = e.bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill() / 1_000_000_000L + 1;
    }

    /** Drops idle buckets. */
    void sweep(long nowNanos) {
        long limit = IDLE_EXPIRY.toNanos();
        buckets.values().removeIf(e -> nowNanos - e.lastUsed > limit);
    }

    private static final class Entry {
        final Bucket bucket;
        volatile long lastUsed;

        Entry(Bucket bucket) {
            this.bucket = bucket;
        }
    }
}

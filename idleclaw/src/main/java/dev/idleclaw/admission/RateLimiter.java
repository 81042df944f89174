package dev.idleclaw.admission;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets (Bucket4j, in memory): capacity = requests per minute, starting full, refilled
 * smoothly. One token per request; a spent token is not returned when the request later fails.
 */
public final class RateLimiter implements RateBudget {
    /** Upstream drops buckets idle this long; a returning client starts full again. */
    static final Duration IDLE_EXPIRY = Duration.ofSeconds(600);
    /** Bound on tracked (client, bucket) pairs so an address-hopping flood cannot grow memory without limit. */
    static final int MAX_TRACKED = 200_000;

    /** The buckets of idleclaw-wire.md §6. */
    public enum Kind { CHAT, WS, DEFAULT }

    private final int[] rpm = new int[Kind.values().length];
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int chatRpm, int wsRpm, int defaultRpm) {
        rpm[Kind.CHAT.ordinal()] = chatRpm;
        rpm[Kind.WS.ordinal()] = wsRpm;
        rpm[Kind.DEFAULT.ordinal()] = defaultRpm;
    }

    /** Which bucket a path uses, or null for paths without a limit. */
    public static Kind kindOf(String path) {
        // Every chat door shares the chat budget, so the OpenAI and Ollama doors are no way around it.
        if (matches(path, "/api/chat") || matches(path, "/api/generate") || matches(path, "/v1/chat/completions")
                || path.equals("/v1/messages") || matches(path, "/v1/responses")) {
            return Kind.CHAT;
        }
        if (matches(path, "/api/embed") || matches(path, "/api/embeddings") || matches(path, "/v1/embeddings")) return Kind.CHAT;
        if (matches(path, "/ws/node")) return Kind.WS;
        if (matches(path, "/api/models") || matches(path, "/health") || matches(path, "/metrics") || matches(path, "/admin")
                || matches(path, "/v1/models") || matches(path, "/v1/messages/count_tokens") || matches(path, "/pubkey") || matches(path, "/capacity")
                // lookups that read the catalog or the ledger cost as much as the rest, so they share its budget
                || matches(path, "/api/tags") || matches(path, "/api/show") || matches(path, "/api/ps")
                || matches(path, "/ledger") || matches(path, "/balance") || matches(path, "/peers")) {
            return Kind.DEFAULT;
        }
        return null;
    }

    private static boolean matches(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    @Override
    public long take(Kind kind, String client) {
        if (buckets.size() >= MAX_TRACKED) sweep(System.nanoTime());
        if (buckets.size() >= MAX_TRACKED) return IDLE_EXPIRY.toSeconds();
        Entry e = buckets.computeIfAbsent(kind.name() + '|' + client, k -> new Entry(newBucket(rpm[kind.ordinal()])));
        e.lastUsed = System.nanoTime();
        var probe = e.bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return 0;
        return probe.getNanosToWaitForRefill() / 1_000_000_000L + 1;
    }

    /** Drops idle buckets; call periodically. */
    public void sweep(long nowNanos) {
        long limit = IDLE_EXPIRY.toNanos();
        buckets.values().removeIf(e -> nowNanos - e.lastUsed > limit);
    }

    int tracked() {
        return buckets.size();
    }

    private static Bucket newBucket(int perMinute) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build();
    }

    private static final class Entry {
        final Bucket bucket;
        volatile long lastUsed;

        Entry(Bucket bucket) {
            this.bucket = bucket;
        }
    }
}

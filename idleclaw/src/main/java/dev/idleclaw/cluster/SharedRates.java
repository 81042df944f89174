package dev.idleclaw.cluster;

import dev.idleclaw.admission.RateBudget;
import dev.idleclaw.admission.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;

/**
 * The per-client request budgets of a hub in a cluster: one Bucket4j bucket per (kind, client) in the cluster's Redis
 * ({@code <prefix>rate:<kind>:<client>}), so "20 chats a minute" holds across every hub together. Same buckets as
 * {@link RateLimiter} (capacity = requests per minute, refilled smoothly). A key expires once its bucket would be
 * full again, plus {@link #EXPIRY_MARGIN}. While Redis is unreachable, or a command fails, the hub's own
 * {@link RateLimiter} decides: a Redis outage never refuses or fails a request.
 */
final class SharedRates implements RateBudget {
    /** Kept past the refill, so a bucket read just as it expires is still whole; a full bucket is the same as none. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    private final ClusterStore store;
    private final ClusterKeys keys;
    private final RateLimiter local;
    private final BucketConfiguration[] configs = new BucketConfiguration[RateLimiter.Kind.values().length];
    private final ProxyManager<Object> buckets;

    SharedRates(ClusterStore store, ClusterKeys keys, RateLimiter local, int chatRpm, int wsRpm, int defaultRpm) {
        this.store = store;
        this.keys = keys;
        this.local = local;
        configs[RateLimiter.Kind.CHAT.ordinal()] = perMinute(chatRpm);
        configs[RateLimiter.Kind.WS.ordinal()] = perMinute(wsRpm);
        configs[RateLimiter.Kind.DEFAULT.ordinal()] = perMinute(defaultRpm);
        this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new Current(store))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(EXPIRY_MARGIN))
                .requestTimeout(ClusterStore.COMMAND_TIMEOUT)
                .build();
    }

    @Override
    public long take(RateLimiter.Kind kind, String client) {
        if (store.reachable()) {
            try {
                BucketConfiguration config = configs[kind.ordinal()];
                var probe = buckets.getProxy(keys.rate(kind.name().toLowerCase(), client), () -> config).tryConsumeAndReturnRemaining(1);
                if (probe.isConsumed()) return 0;
                return probe.getNanosToWaitForRefill() / 1_000_000_000L + 1;
            } catch (RuntimeException e) {
                store.failed(e);
            }
        }
        return local.take(kind, client);
    }

    /** The same bucket as {@link RateLimiter}'s: {@code n} tokens, starting full, refilled smoothly over a minute. */
    private static BucketConfiguration perMinute(int n) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(n).refillGreedy(n, Duration.ofMinutes(1)).build()).build();
    }

    /**
     * Bucket4j's commands on whatever connection the store holds now; none (Redis down) fails the command at once.
     * Keys are typed Object: Bucket4j hands them over in an {@code Object[]}, whatever its key type.
     */
    private record Current(ClusterStore store) implements RedisApi<Object> {
        @Override
        public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] args) {
            return connection().async().eval(script, type, java.util.Arrays.copyOf(keys, keys.length, String[].class), args);
        }

        @Override
        public RedisFuture<byte[]> get(Object key) {
            return connection().async().get((String) key);
        }

        @Override
        public RedisFuture<?> delete(Object key) {
            return connection().async().del((String) key);
        }

        private io.lettuce.core.api.StatefulRedisConnection<String, byte[]> connection() {
            var c = store.bytes();
            if (c == null) throw new IllegalStateException("the cluster store is unreachable");
            return c;
        }
    }
}

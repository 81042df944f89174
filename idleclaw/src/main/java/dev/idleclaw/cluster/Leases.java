package dev.idleclaw.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Capped sets of leases in Redis: a sorted set per scope (a client's open streams, an address's nodes), one member per
 * lease, scored by when it expires. A lease lives while the hub holding it refreshes it ({@link #refresh}, every
 * third of the TTL); a crashed hub's leases stop counting within the TTL, and every set expires with its last lease.
 * Expiry is reckoned by Redis's own clock ({@code TIME}), so hubs' clocks need not agree. This hub remembers the
 * leases it holds, to refresh them and to put them back after a Redis outage.
 */
final class Leases {
    /**
     * Takes {@code ARGV[3]} in every set of KEYS unless one already holds {@code ARGV[1]} others: -i when KEYS[i] is
     * full, else 1 + a bit per set where the member is new (bit i for KEYS[i+1]). Expired members go first.
     */
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local max, ttl, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
            local newly = 0
            for i, k in ipairs(KEYS) do
              redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
              if not redis.call('ZSCORE', k, member) then
                if redis.call('ZCARD', k) >= max then return -i end
                newly = newly + 2 ^ (i - 1)
              end
            end
            for i, k in ipairs(KEYS) do
              redis.call('ZADD', k, now + ttl, member)
              if redis.call('PTTL', k) < ttl then redis.call('PEXPIRE', k, ttl) end
            end
            return 1 + newly
            """;
    /** Renews every member in ARGV[2..] of set KEYS[1] for ARGV[1] ms (re-adding any that expired meanwhile). */
    private static final String REFRESH = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[1])
            for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + ttl, ARGV[i]) end
            if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
            return #ARGV - 1
            """;

    private final Duration ttl;
    /** The leases this hub holds: set key to members. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();

    Leases(Duration ttl) {
        this.ttl = ttl;
    }

    /** What {@link #take} did: the sets where the member is new, or the set that is full (null when granted). */
    record Took(List<String> newly, String full) {}

    /**
     * Takes {@code member} in every one of {@code sets} unless one holds {@code max} others already. Throws when Redis
     * fails (the caller falls back).
     */
    Took take(StatefulRedisConnection<String, String> redis, List<String> sets, String member, int max) {
        Long r = redis.sync().eval(TAKE, ScriptOutputType.INTEGER, sets.toArray(String[]::new),
                Integer.toString(max), Long.toString(ttl.toMillis()), member);
        if (r == null || r == 0) throw new IllegalStateException("the lease script answered " + r);
        if (r < 0) return new Took(List.of(), sets.get((int) (-r - 1)));
        List<String> newly = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            if (((r - 1) >> i & 1) == 1) newly.add(sets.get(i));
            held.computeIfAbsent(sets.get(i), k -> ConcurrentHashMap.newKeySet()).add(member);
        }
        return new Took(newly, null);
    }

    /**
     * Notes {@code member} as held in {@code sets} without asking Redis (it is down): the refresh puts it there once Redis
     * is back. The sets where it is new here.
     */
    List<String> hold(List<String> sets, String member) {
        List<String> newly = new ArrayList<>();
        for (String set : sets) {
            if (held.computeIfAbsent(set, k -> ConcurrentHashMap.newKeySet()).add(member)) newly.add(set);
        }
        return newly;
    }

    /** Forgets {@code member} in {@code sets} here at once and in Redis without waiting (else it expires by itself). */
    void release(StatefulRedisConnection<String, String> redis, List<String> sets, String member) {
        for (String set : sets) {
            held.computeIfPresent(set, (k, members) -> {
                members.remove(member);
                return members.isEmpty() ? null : members;
            });
            if (redis != null) redis.async().zrem(set, member);
        }
    }

    /** Renews every lease this hub holds (the tick); throws when Redis fails. */
    void refresh(StatefulRedisConnection<String, String> redis) {
        String ttlMillis = Long.toString(ttl.toMillis());
        for (var e : held.entrySet()) {
            List<String> args = new ArrayList<>();
            args.add(ttlMillis);
            args.addAll(e.getValue());
            if (args.size() == 1) continue;
            redis.sync().eval(REFRESH, ScriptOutputType.INTEGER, new String[] {e.getKey()}, args.toArray(String[]::new));
        }
    }

    /** Gives back every lease this hub holds (it stops); throws when Redis fails. */
    void releaseAll(StatefulRedisConnection<String, String> redis) {
        for (var e : held.entrySet()) {
            if (!e.getValue().isEmpty()) redis.sync().zrem(e.getKey(), e.getValue().toArray(String[]::new));
        }
        held.clear();
    }

    /** Leases held by this hub (for tests). */
    int held() {
        return held.values().stream().mapToInt(Set::size).sum();
    }
}

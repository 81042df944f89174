package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.BanList;
import dev.idleclaw.registry.Bans;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The operator's bans shared by a cluster: a hash {@code <prefix>bans} (field {@code <kind>:<target>}, value the ban as
 * JSON), expiring with its last ban. A ban or lift is written through at once; every hub re-reads the hash each
 * {@link SharedAdmission#SYNC} into its own {@link Bans}, which every check reads (a check never waits on Redis).
 * While Redis is unreachable bans and lifts are this hub's own, and written to the hash once it is back.
 */
final class SharedBans implements BanList {
    /** Bans read per sync: the cap on bans in force, so a polluted hash costs no more than a full one. */
    static final int MAX_READ = Bans.MAX_BANS;
    /** Stores a ban (ARGV[1] field, ARGV[2] value) and keeps the hash until its last ban ends (ARGV[3], epoch ms). */
    private static final String PUT = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local t = redis.call('TIME')
            local want = tonumber(ARGV[3]) - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
            if want > 0 and redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
            return 1
            """;

    private final ClusterStore store;
    private final ClusterKeys keys;
    private final Bans local;
    /** Bans and lifts made while Redis was unreachable, written at the next sync that reaches it. */
    private final List<Bans.Ban> unsentBans = new ArrayList<>(), unsentLifts = new ArrayList<>();
    /** The ids of the bans last read, so a ban another hub made is told apart from one already known. */
    private Set<String> known = Set.of();
    private volatile Consumer<Bans.Ban> arrivals = b -> {};

    SharedBans(ClusterStore store, ClusterKeys keys, Bans local) {
        this.store = store;
        this.keys = keys;
        this.local = local;
    }

    /** Told of each ban another hub made, once, as a sync first reads it (the hub closes the connections it covers). */
    void onArrival(Consumer<Bans.Ban> arrivals) {
        this.arrivals = arrivals;
    }

    @Override
    public synchronized Bans.Ban ban(Bans.Kind kind, String target, Duration duration) {
        Bans.Ban ban = local.ban(kind, target, duration);
        if (ban == null) return null;
        var redis = store.text();
        try {
            if (redis == null) throw new IllegalStateException("unreachable");
            put(redis.sync(), ban);
            known = plus(known, ban.id());
        } catch (RuntimeException e) {
            if (redis != null) store.failed(e);
            unsentBans.add(ban);
        }
        return ban;
    }

    @Override
    public synchronized Bans.Ban lift(String id) {
        Bans.Ban lifted = local.lift(id);
        var redis = store.text();
        try {
            if (redis == null) throw new IllegalStateException("unreachable");
            Bans.Ban shared = remove(redis.sync(), id);
            return lifted != null ? lifted : shared;
        } catch (RuntimeException e) {
            if (redis != null) store.failed(e);
            if (lifted != null) unsentLifts.add(lifted);
            return lifted;
        }
    }

    @Override
    public boolean banned(String key, String address) {
        return local.banned(key, address);
    }

    @Override
    public List<Bans.Ban> list() {
        return local.list();
    }

    /** The tick: writes what waited for Redis, then makes this hub's bans the cluster's. Throws when Redis fails. */
    synchronized void sync(RedisCommands<String, String> redis) {
        for (Bans.Ban b : unsentBans) put(redis, b);
        unsentBans.clear();
        for (Bans.Ban b : unsentLifts) remove(redis, b.id());
        unsentLifts.clear();
        long now = System.currentTimeMillis();
        List<Bans.Ban> live = new ArrayList<>();
        List<String> over = new ArrayList<>();
        for (var e : read(redis).entrySet()) {
            if (e.getValue().until() > now) live.add(e.getValue());
            else over.add(e.getKey());
        }
        if (!over.isEmpty()) redis.hdel(keys.bans(), over.toArray(String[]::new));
        local.adopt(live);
        Set<String> ids = new HashSet<>();
        for (Bans.Ban b : live) {
            ids.add(b.id());
            if (!known.contains(b.id())) arrivals.accept(b);
        }
        known = ids;
    }

    private void put(RedisCommands<String, String> redis, Bans.Ban b) {
        redis.eval(PUT, ScriptOutputType.INTEGER, new String[] {keys.bans()}, field(b.kind(), b.target()), encode(b),
                Long.toString(b.until()));
    }

    /** Removes the ban with {@code id} from the hash; the ban removed, or null. */
    private Bans.Ban remove(RedisCommands<String, String> redis, String id) {
        for (var e : read(redis).entrySet()) {
            if (e.getValue().id().equals(id)) {
                redis.hdel(keys.bans(), e.getKey());
                return e.getValue();
            }
        }
        return null;
    }

    /** The hash's bans by field, skipping values this version cannot read; at most {@link #MAX_READ}. */
    private Map<String, Bans.Ban> read(RedisCommands<String, String> redis) {
        Map<String, Bans.Ban> out = new LinkedHashMap<>();
        for (var e : redis.hgetall(keys.bans()).entrySet()) {
            if (out.size() == MAX_READ) break;
            decode(e.getValue()).ifPresent(b -> out.put(e.getKey(), b));
        }
        return out;
    }

    private static Set<String> plus(Set<String> ids, String id) {
        Set<String> out = new HashSet<>(ids);
        out.add(id);
        return out;
    }

    static String field(Bans.Kind kind, String target) {
        return kind.name().toLowerCase() + ":" + target;
    }

    static String encode(Bans.Ban b) {
        return Json.write(Json.object().put("id", b.id()).put("kind", b.kind().name().toLowerCase()).put("target", b.target())
                .put("until", b.until()));
    }

    static Optional<Bans.Ban> decode(String text) {
        try {
            JsonNode n = Json.parse(text);
            String id = Json.text(n, "id"), kind = Json.text(n, "kind"), target = Json.text(n, "target");
            if (id == null || target == null || !n.path("until").canConvertToLong()) return Optional.empty();
            Bans.Kind k = switch (kind == null ? "" : kind) {
                case "key" -> Bans.Kind.KEY;
                case "address" -> Bans.Kind.ADDRESS;
                default -> null;
            };
            return k == null ? Optional.empty() : Optional.of(new Bans.Ban(id, k, target, n.path("until").asLong()));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

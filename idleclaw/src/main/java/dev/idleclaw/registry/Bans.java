package dev.idleclaw.registry;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The operator's temporary bans of a public key or an address: a banned node cannot register (so its reconnects are
 * refused) and a banned consumer's requests are refused, until the ban runs out. In memory only: a restart lifts them.
 * A hub in a cluster keeps its copy of the cluster's shared list here ({@link #adopt}).
 */
public final class Bans implements BanList {
    /** Bans held at once: far more than an operator sets by hand, small enough that a runaway script cannot grow memory. */
    public static final int MAX_BANS = 10_000;
    /** The longest ban: a week; anything longer is a policy for the allow/deny configuration, not a click. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);

    /** What a ban names. */
    public enum Kind { KEY, ADDRESS }

    /** One ban: {@code id} names it to lift it without repeating the target; {@code until} in epoch milliseconds. */
    public record Ban(String id, Kind kind, String target, long until) {
        /** The target as operators' pages show it: a key whole, an address masked as node addresses are. */
        public String shown() {
            return kind == Kind.KEY ? target : NodeSocketBackend.masked(target);
        }
    }

    private final ConcurrentHashMap<String, Ban> bans = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Bans() {
        this(System::currentTimeMillis);
    }

    Bans(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public Ban ban(Kind kind, String target, Duration duration) {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("a ban lasts from 1 second to " + MAX_DURATION.toDays() + " days");
        }
        sweep();
        if (bans.size() >= MAX_BANS && !bans.containsKey(id(kind, target))) return null;
        var ban = new Ban(Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1), kind, target,
                clock.getAsLong() + duration.toMillis());
        bans.put(id(kind, target), ban);
        return ban;
    }

    @Override
    public Ban lift(String id) {
        for (var e : bans.entrySet()) {
            if (e.getValue().id().equals(id) && bans.remove(e.getKey(), e.getValue())) return e.getValue();
        }
        return null;
    }

    @Override
    public boolean banned(String key, String address) {
        if (bans.isEmpty()) return false;
        return (key != null && active(id(Kind.KEY, key))) || (address != null && active(id(Kind.ADDRESS, address)));
    }

    @Override
    public List<Ban> list() {
        sweep();
        return bans.values().stream().sorted(Comparator.comparingLong(Ban::until)).toList();
    }

    /**
     * The bans in force become exactly {@code shared} (the cluster's list as last read), less those already over, and
     * at most {@link #MAX_BANS} of them.
     */
    public void adopt(java.util.Collection<Ban> shared) {
        long now = clock.getAsLong();
        var next = new java.util.HashMap<String, Ban>();
        for (Ban b : shared) {
            if (next.size() == MAX_BANS) break;
            if (b.until() > now) next.put(id(b.kind(), b.target()), b);
        }
        bans.keySet().retainAll(next.keySet());
        bans.putAll(next);
    }

    private boolean active(String id) {
        Ban b = bans.get(id);
        return b != null && b.until() > clock.getAsLong();
    }

    private void sweep() {
        long now = clock.getAsLong();
        bans.values().removeIf(b -> b.until() <= now);
    }

    private static String id(Kind kind, String target) {
        return kind + ":" + target;
    }
}

package dev.idleclaw.registry;

import java.time.Duration;
import java.util.List;

/**
 * The operator's bans, wherever they are kept: this hub's memory ({@link Bans}) or, for a hub in a cluster, the
 * cluster's shared store, so a ban made on one hub is honoured by all. Checks never wait on a store: they read what
 * this hub holds.
 */
public interface BanList {
    /** Bans {@code target} for {@code duration} (1 s .. {@link Bans#MAX_DURATION}); null when {@link Bans#MAX_BANS} are held. */
    Bans.Ban ban(Bans.Kind kind, String target, Duration duration);

    /** Lifts the ban with this {@link Bans.Ban#id()}; the ban lifted, or null when there was none. */
    Bans.Ban lift(String id);

    /** Whether {@code key} (may be null: anonymous) or {@code address} is banned now. */
    boolean banned(String key, String address);

    /** The bans in force, soonest to end first. */
    List<Bans.Ban> list();
}

package dev.idleclaw.tracker;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.Unannounce;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.tracker.Verdict.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The tracker's registry: the latest signed announcement per key, in memory, bounded. Rules (docs/protocol.md
 * "Tracker"):
 * <ul>
 * <li>{@code announcedAt} is monotonic per key: an announcement not newer than the held one is refused
 *     {@code stale}, except a byte-identical resend, which is accepted without change (a retried request).</li>
 * <li>An unannounce removes the held announcement only if its timestamp is ≥ that announcement's
 *     {@code announcedAt}; it then leaves a tombstone so older announcements cannot be replayed back in.</li>
 * <li>Entries live at most {@link #MAX_TTL_SECONDS}, whatever TTL they claim.</li>
 * </ul>
 */
public final class Tracker {
    /**
     * Keys held at once (live announcements and tombstones). A typical announcement is under 1 KB and none exceeds
     * the 8 KiB body cap, so the registry stays within ~5 MB typically and ~40 MB of payload at worst.
     */
    public static final int MAX_ENTRIES = 5_000;
    /** Longest a tracker keeps an announcement without a heartbeat: a dead worker with a huge TTL would linger. */
    public static final long MAX_TTL_SECONDS = Announcement.MAX_HELD_TTL_SECONDS;

    /** What the registry holds for a key. */
    private sealed interface Slot {
        /** The newest announcement seen. */
        record Live(SignedAnnouncement signed) implements Slot {}

        /** Withdrawn (or expired) as of {@code at}: announcements with {@code announcedAt ≤ at} are refused. */
        record Withdrawn(long at) implements Slot {}
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final UrlSafety urls;
    private final LongSupplier nowMillis;
    private final int maxEntries;

    public Tracker(UrlSafety urls, LongSupplier nowMillis, int maxEntries) {
        if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be positive");
        this.urls = urls;
        this.nowMillis = nowMillis;
        this.maxEntries = maxEntries;
    }

    /** Checks and stores an announcement: signature, freshness, monotonic {@code announcedAt}, URL, capacity. */
    public Verdict announce(SignedAnnouncement signed) {
        Announcement a = signed.announcement();
        if (!signed.signatureValid()) return new Verdict.Refused(Reason.BAD_SIGNATURE);
        long now = nowMillis.getAsLong();
        switch (a.status(now)) {
            case FUTURE -> { return new Verdict.Refused(Reason.FUTURE); }
            case STALE -> { return new Verdict.Refused(Reason.STALE); }
            case OK -> { if (beyondCap(a.announcedAt(), now)) return new Verdict.Refused(Reason.STALE); }
        }
        synchronized (this) {
            Verdict early = conflict(signed, now);
            if (early != null) return early;
        }
        // DNS may be slow: resolve outside the lock, then re-check what may have changed meanwhile.
        if (!urls.check(a.url()).safe()) return new Verdict.Refused(Reason.UNSAFE_URL);
        synchronized (this) {
            Verdict late = conflict(signed, now);
            if (late != null) return late;
            if (!slots.containsKey(a.pubkey()) && !makeRoom(now)) return new Verdict.Refused(Reason.FULL);
            slots.put(a.pubkey(), new Slot.Live(signed));
            return new Verdict.Announced(a.pubkey(), a.ttlSeconds(), liveCount(now));
        }
    }

    /** Checks a withdrawal (±5 min, then signature) and applies it by the monotonic rule. */
    public Verdict unannounce(Unannounce u) {
        long now = nowMillis.getAsLong();
        if (!u.fresh(now)) return new Verdict.Refused(Reason.STALE);
        if (!u.signatureValid()) return new Verdict.Refused(Reason.BAD_SIGNATURE);
        synchronized (this) {
            Slot slot = slots.get(u.pubkey());
            return switch (slot) {
                case Slot.Live live when live.signed().announcement().announcedAt() > u.timestamp() -> new Verdict.Unannounced(false);
                case Slot.Live live -> {
                    slots.put(u.pubkey(), new Slot.Withdrawn(u.timestamp()));
                    yield new Verdict.Unannounced(isLive(live, now));
                }
                case Slot.Withdrawn w -> {
                    slots.put(u.pubkey(), new Slot.Withdrawn(Math.max(w.at(), u.timestamp())));
                    yield new Verdict.Unannounced(false);
                }
                case null -> {
                    if (makeRoom(now)) slots.put(u.pubkey(), new Slot.Withdrawn(u.timestamp()));
                    yield new Verdict.Unannounced(false);
                }
            };
        }
    }

    /** The live announcements, oldest key first; stale ones are swept first. */
    public synchronized List<SignedAnnouncement> peers() {
        long now = nowMillis.getAsLong();
        sweep(now);
        var out = new ArrayList<SignedAnnouncement>();
        for (Slot s : slots.values()) if (s instanceof Slot.Live l) out.add(l.signed());
        return out;
    }

    /** How many announcements are live now. */
    public synchronized int liveCount() {
        return liveCount(nowMillis.getAsLong());
    }

    /** Keys held, tombstones included (for tests and metrics). */
    synchronized int held() {
        return slots.size();
    }

    /** Null when {@code signed} may be stored; else the answer (refusal, or acceptance of an identical resend). */
    private Verdict conflict(SignedAnnouncement signed, long now) {
        Announcement a = signed.announcement();
        return switch (slots.get(a.pubkey())) {
            case Slot.Live live when live.signed().equals(signed) -> new Verdict.Announced(a.pubkey(), a.ttlSeconds(), liveCount(now));
            case Slot.Live live when live.signed().announcement().announcedAt() >= a.announcedAt() -> new Verdict.Refused(Reason.STALE);
            case Slot.Withdrawn w when w.at() >= a.announcedAt() -> new Verdict.Refused(Reason.STALE);
            case null, default -> null;
        };
    }

    /** Sweeps, then evicts the oldest tombstone if still full; false when every slot holds a live announcement. */
    private boolean makeRoom(long now) {
        if (slots.size() < maxEntries) return true;
        sweep(now);
        if (slots.size() < maxEntries) return true;
        String oldest = null;
        long oldestAt = Long.MAX_VALUE;
        for (var e : slots.entrySet()) {
            if (e.getValue() instanceof Slot.Withdrawn w && w.at() < oldestAt) {
                oldest = e.getKey();
                oldestAt = w.at();
            }
        }
        if (oldest == null) return false;
        slots.remove(oldest);
        return true;
    }

    /** Stale announcements become tombstones (keeping the key monotonic); tombstones past the cap go. */
    private void sweep(long now) {
        for (var it = slots.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            switch (e.getValue()) {
                case Slot.Live l when !isLive(l, now) -> e.setValue(new Slot.Withdrawn(l.signed().announcement().announcedAt()));
                case Slot.Withdrawn w when beyondCap(w.at(), now) -> it.remove();
                default -> { }
            }
        }
    }

    private int liveCount(long now) {
        int n = 0;
        for (Slot s : slots.values()) if (s instanceof Slot.Live l && isLive(l, now)) n++;
        return n;
    }

    private static boolean isLive(Slot.Live l, long now) {
        Announcement a = l.signed().announcement();
        return a.status(now) == Announcement.Status.OK && !beyondCap(a.announcedAt(), now);
    }

    private static boolean beyondCap(long at, long now) {
        return now - at > MAX_TTL_SECONDS * 1000;
    }
}

package dev.idleclaw.peer;

import dev.idleclaw.announce.Announcement;
import java.util.Objects;

/**
 * One entry of the peers file (lobstah-wire.md §8): a worker's key, its base URL and an optional label. An entry
 * synced from a tracker also carries {@code expiresAt} (epoch ms, {@code announcedAt + ttlSeconds·1000}, the TTL
 * capped at {@link Announcement#MAX_HELD_TTL_SECONDS} as a tracker caps it) and is dropped once the clock passes it (§12 #5); entries added by hand, and every entry Lobstah writes, have none and
 * never expire.
 *
 * @param pubkey    the worker's {@code lob1…} key, the entry's identity (upsert and remove go by it)
 * @param url       the worker's base URL, e.g. {@code http://10.0.0.5:17474}
 * @param label     a human name, or {@code null}
 * @param expiresAt when the entry lapses (epoch ms), or {@code null} for never
 */
public record Peer(String pubkey, String url, String label, Long expiresAt) {

    public Peer {
        Objects.requireNonNull(pubkey, "pubkey");
        Objects.requireNonNull(url, "url");
    }

    /** A hand-added entry that never expires. */
    public static Peer of(String pubkey, String url, String label) {
        return new Peer(pubkey, url, label, null);
    }

    /**
     * The entry a fresh tracker announcement stands for: it lapses when the announcement goes stale, or one hour
     * ({@link Announcement#MAX_HELD_TTL_SECONDS}) after it was signed, whichever comes first.
     */
    public static Peer fromAnnouncement(Announcement a) {
        long ttl = Announcement.millis(Math.min(a.ttlSeconds(), Announcement.MAX_HELD_TTL_SECONDS));
        long expires = a.announcedAt() > Long.MAX_VALUE - ttl ? Long.MAX_VALUE : a.announcedAt() + ttl;
        return new Peer(a.pubkey(), a.url(), a.label(), expires);
    }

    /** True once {@code nowMillis} is past {@code expiresAt} (the same instant the announcement turns stale). */
    public boolean expired(long nowMillis) {
        return expiresAt != null && nowMillis > expiresAt;
    }

    /** {@code <url>/<path>}, with one slash between them whatever the stored URL ends with. */
    public String endpoint(String path) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return base + "/" + path;
    }
}

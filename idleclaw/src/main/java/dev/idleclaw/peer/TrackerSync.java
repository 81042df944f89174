package dev.idleclaw.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.AnnounceFormatException;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code peers sync}: reads a tracker's {@code GET /peers} (lobstah-wire.md §6) and upserts every announcement
 * that passes three checks, in this order: the signature verifies with the key inside (an entry that does not even
 * parse counts as {@code bad-signature}); the announcement is {@code ok} at our clock ({@code stale} and
 * {@code future} both count as {@code stale}, §12 #5); the URL passes the address policy ({@code unsafe-url}).
 * Accepted entries carry {@code expiresAt = announcedAt + ttlSeconds·1000}, the TTL capped at an hour as the tracker
 * caps it (an announcement older than that counts as {@code stale}). When a tracker lists a key twice the
 * newest announcement wins.
 */
public final class TrackerSync {
    /** The whole tracker exchange (connect, headers, body): generous for a slow link, short for a dead host. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A tracker holds at most 5,000 keys of a few hundred bytes each; 16 MiB bounds a hostile one. */
    static final int MAX_BODY_BYTES = 16 << 20;

    /** How many announcements were upserted and how many were refused, by reason. */
    public record Result(int synced, int badSignature, int unsafeUrl, int stale) {}

    private TrackerSync() {}

    /**
     * The tracker's base URL as a URI; throws {@link IllegalArgumentException} with a one-line reason when it is
     * not an absolute http(s) URL.
     */
    public static URI trackerUri(String trackerUrl) {
        URI uri;
        try {
            uri = new URI(trackerUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + trackerUrl);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("tracker URL must be http(s)://host[:port]: " + trackerUrl);
        }
        return uri;
    }

    /**
     * Fetches {@code <tracker>/peers} and upserts the good announcements into {@code file} in one write. Throws
     * {@link IOException} with a one-line reason when the tracker cannot be reached or does not answer a peers
     * list, and {@link PeersFileException} when the file cannot be read or written.
     */
    public static Result sync(URI tracker, PeersFile file, UrlSafety urlSafety, HttpClient http, long nowMillis) throws IOException {
        return sync(tracker, file, urlSafety, http, nowMillis, null);
    }

    /**
     * As {@link #sync(URI, PeersFile, UrlSafety, HttpClient, long)}, leaving out the announcement of {@code self}
     * (a hub that announces itself and follows the same tracker is not its own peer); null skips nobody.
     */
    public static Result sync(URI tracker, PeersFile file, UrlSafety urlSafety, HttpClient http, long nowMillis, String self) throws IOException {
        String base = tracker.toString();
        URI peersUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/peers");
        byte[] body = Http.get(http, peersUri, TIMEOUT, MAX_BODY_BYTES);
        JsonNode list;
        try {
            list = Json.parse(body).get("peers");
        } catch (IOException | RuntimeException e) {
            throw new IOException("tracker answered something other than JSON");
        }
        if (list == null || !list.isArray()) throw new IOException("tracker answer has no \"peers\" array");
        Screened screened = screen(list, urlSafety, nowMillis, self);
        List<Peer> peers = screened.newest().values().stream().map(Peer::fromAnnouncement).toList();
        if (!peers.isEmpty()) file.upsertAll(peers);
        return new Result(peers.size(), screened.badSignature(), screened.unsafeUrl(), screened.stale());
    }

    /** What {@link #screen} kept (the newest good announcement per key, in first-seen order) and refused, by reason. */
    public record Screened(Map<String, Announcement> newest, int badSignature, int unsafeUrl, int stale) {}

    /**
     * The checks every discovery path applies to signed announcements (trackers here, Nostr relays in
     * {@link NostrSync}), in order: the entry parses and its signature verifies with the key inside
     * ({@code bad-signature}); it is {@code ok} at {@code nowMillis} and its capped TTL has not run out
     * ({@code stale}); its URL passes {@code urlSafety} ({@code unsafe-url}). {@code self}'s own announcement is
     * skipped without counting; of several for one key the newest wins.
     */
    public static Screened screen(Iterable<JsonNode> entries, UrlSafety urlSafety, long nowMillis, String self) {
        int badSignature = 0, stale = 0, unsafe = 0;
        Map<String, Announcement> newest = new LinkedHashMap<>();
        for (JsonNode n : entries) {
            SignedAnnouncement signed;
            try {
                signed = SignedAnnouncement.fromJson(n);
            } catch (AnnounceFormatException e) {
                badSignature++;
                continue;
            }
            Announcement a = signed.announcement();
            if (a.pubkey().equals(self)) continue;
            if (!signed.signatureValid()) badSignature++;
            else if (signed.status(nowMillis) != Announcement.Status.OK || Peer.fromAnnouncement(a).expired(nowMillis)) stale++;
            else if (!urlSafety.check(a.url()).safe()) unsafe++;
            else newest.merge(a.pubkey(), a, (x, y) -> y.announcedAt() > x.announcedAt() ? y : x);
        }
        return new Screened(newest, badSignature, unsafe, stale);
    }
}

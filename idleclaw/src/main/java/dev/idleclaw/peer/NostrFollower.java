package dev.idleclaw.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.AnnounceFormatException;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.NostrAnnouncements;
import dev.idleclaw.announce.NostrEvent;
import dev.idleclaw.announce.NostrRelay;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a peers file in step with Nostr relays ({@code --sync-nostr}), the Nostr twin of {@link TrackerFollower}:
 * each round asks every relay for kind-31474 announcement events (filtered by kind only, as Lobstah's collectors
 * do) and for deletions of the announcements it took earlier. An event counts only after the Nostr checks (valid id
 * and BIP-340 signature, a {@code lobstah_pubkey} tag equal to the key inside) and then the tracker path's own
 * ({@link TrackerSync#screen}: inner Ed25519 signature, freshness, URL safety). On top, {@code announcedAt} is
 * monotonic per key across rounds and relays (an older announcement replayed by anyone is {@code stale}), and a
 * key's latest announcement being withdrawn removes that peer from the file: a NIP-09 deletion of it by the same
 * Nostr author, or its disappearance from every relay that served it (many relays apply deletions without keeping
 * them, and the event is replaceable, so a relay that answers completely but no longer has it has deleted it).
 */
public final class NostrFollower {
    private static final Logger log = LoggerFactory.getLogger(NostrFollower.class);
    /** Keys whose latest announcement and {@code announcedAt} are remembered; beyond this the oldest are forgotten. */
    static final int MAX_REMEMBERED = 10_000;
    /**
     * Authors and ids asked for in one filter: relays refuse longer lists (nostr-relay's validator takes at most 256
     * values of a tag filter), so keys beyond this are only seen through the plain kind filter.
     */
    static final int MAX_FILTER_VALUES = 256;

    /** What one relay gave in one round. */
    public record Result(int synced, int badSignature, int unsafeUrl, int stale, int withdrawn) {}

    /** One relay's round: its result, or the reason it failed. */
    public record Round(URI relay, Result result, String error) {}

    /** The latest announcement event taken for a key: its id, author, {@code announcedAt} and the relays serving it. */
    private record Latest(String eventId, String author, long announcedAt, Set<URI> relays) {}

    private final List<URI> relays;
    private final PeersFile file;
    private final UrlSafety urlSafety;
    private final LongSupplier nowMillis;
    private final String self;
    private final Map<String, Latest> latest = bounded();
    /** The highest {@code announcedAt} taken per key, kept after a withdrawal so an older replay cannot return. */
    private final Map<String, Long> highest = bounded();
    /** {@code author:eventId} of deleted announcements, so a relay that missed the deletion cannot bring one back. */
    private final Map<String, Boolean> deletedEvents = bounded();
    /** Last round's result per relay, so an unchanged round logs at debug, not every minute at info. */
    private final Map<URI, Result> last = new HashMap<>();

    /** @param self this hub's key, whose own announcement is never written to the file (null: skip nobody) */
    public NostrFollower(List<URI> relays, PeersFile file, UrlSafety urlSafety, LongSupplier nowMillis, String self) {
        this.relays = List.copyOf(relays);
        this.file = Objects.requireNonNull(file, "file");
        this.urlSafety = Objects.requireNonNull(urlSafety, "urlSafety");
        this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
        this.self = self;
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_REMEMBERED;
            }
        };
    }

    /** Syncs from every relay, one after the other; never throws (failures are logged and returned). */
    public synchronized List<Round> syncAll() {
        return relays.stream().map(this::syncOne).toList();
    }

    private Round syncOne(URI relay) {
        try {
            Result r = sync(relay);
            if (r.equals(last.put(relay, r))) {
                log.debug("synced {} peer(s) from relay {} (unchanged)", r.synced(), relay);
            } else if (r.badSignature() + r.unsafeUrl() + r.stale() > 0) {
                log.info("synced {} peer(s) from relay {} (rejected {} bad-signature, {} unsafe-url, {} stale; {} withdrawn)",
                        r.synced(), relay, r.badSignature(), r.unsafeUrl(), r.stale(), r.withdrawn());
            } else {
                log.info("synced {} peer(s) from relay {} ({} withdrawn)", r.synced(), relay, r.withdrawn());
            }
            return new Round(relay, r, null);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("cannot sync peers from relay {}: {}", relay, why);
            last.remove(relay);
            return new Round(relay, null, why);
        }
    }

    private Result sync(URI relay) throws IOException {
        Map<String, Latest> asked = new HashMap<>();
        latest.entrySet().stream().limit(MAX_FILTER_VALUES).forEach(e -> asked.put(e.getKey(), e.getValue()));
        var batch = NostrRelay.query(relay, filters(asked.values()));
        // Deletions first: a relay that has not yet applied one must not bring the withdrawn announcement back.
        List<NostrEvent> announcements = new ArrayList<>();
        int bad = 0;
        for (JsonNode n : batch.events()) {
            NostrEvent ev;
            try {
                ev = NostrEvent.fromJson(n);
            } catch (AnnounceFormatException e) {
                bad++;
                continue;
            }
            if (ev.kind() == NostrAnnouncements.DELETION) {
                if (ev.valid()) ev.tags().stream().filter(t -> t.size() >= 2 && t.getFirst().equals("e"))
                        .forEach(t -> deletedEvents.put(ev.pubkey() + ":" + t.get(1), true));
            } else if (!deletedEvents.containsKey(ev.pubkey() + ":" + ev.id())) {
                announcements.add(ev);
            }
        }
        List<JsonNode> inner = new ArrayList<>();
        Map<String, NostrEvent> carriers = new HashMap<>();
        for (NostrEvent ev : announcements) {
            try {
                JsonNode content = NostrAnnouncements.content(ev);
                inner.add(content);
                carriers.putIfAbsent(carrierKey(content.path("announcement")), ev);
            } catch (AnnounceFormatException e) {
                bad++;
            }
        }

        var screened = TrackerSync.screen(inner, urlSafety, nowMillis.getAsLong(), self);
        int stale = screened.stale();
        List<Peer> peers = new ArrayList<>();
        for (Announcement a : screened.newest().values()) {
            Latest before = latest.get(a.pubkey());
            if (a.announcedAt() < highest.getOrDefault(a.pubkey(), Long.MIN_VALUE)) {
                stale++;
                continue;
            }
            NostrEvent ev = carriers.get(a.pubkey() + "@" + a.announcedAt());
            Set<URI> servedBy = new HashSet<>();
            if (before != null && before.eventId().equals(ev.id())) servedBy.addAll(before.relays());
            servedBy.add(relay);
            latest.put(a.pubkey(), new Latest(ev.id(), ev.pubkey(), a.announcedAt(), servedBy));
            highest.put(a.pubkey(), a.announcedAt());
            peers.add(Peer.fromAnnouncement(a));
        }
        if (!peers.isEmpty()) file.upsertAll(peers);
        int withdrawn = withdraw(relay, batch.complete(), announcements, asked.keySet());
        return new Result(peers.size(), bad + screened.badSignature(), screened.unsafeUrl(), stale, withdrawn);
    }

    /**
     * Every announcement, plus, for the keys taken before, their authors' current events and deletions of them.
     * Asking by author tells a deleted announcement (absent) from one merely past a relay's result limit.
     */
    private static JsonNode[] filters(java.util.Collection<Latest> known) {
        var all = Json.object().put("limit", NostrRelay.MAX_EVENTS);
        all.putArray("kinds").add(NostrAnnouncements.KIND);
        List<JsonNode> filters = new ArrayList<>(List.of(all));
        if (!known.isEmpty()) {
            var current = Json.object();
            current.putArray("kinds").add(NostrAnnouncements.KIND);
            var authors = current.putArray("authors");
            known.forEach(l -> authors.add(l.author()));
            var deletions = Json.object();
            deletions.putArray("kinds").add(NostrAnnouncements.DELETION);
            var ids = deletions.putArray("#e");
            known.forEach(l -> ids.add(l.eventId()));
            filters.add(current);
            filters.add(deletions);
        }
        return filters.toArray(JsonNode[]::new);
    }

    /**
     * Removes from the file every key whose latest announcement was deleted: by a NIP-09 deletion from its author
     * (seen on any relay), or, when {@code relay} sent all it holds, by no longer being served by any relay that
     * served it (relays that apply deletions without keeping them); absence counts only for keys whose author was
     * asked for by name ({@code asked}), since a plain kind query may stop at the relay's result limit. Returns how
     * many peers were removed.
     */
    private int withdraw(URI relay, boolean complete, List<NostrEvent> served, Set<String> asked) {
        Set<String> ids = new HashSet<>();
        served.forEach(e -> ids.add(e.id()));
        int withdrawn = 0;
        for (var it = latest.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Latest l = e.getValue();
            boolean deleted = deletedEvents.containsKey(l.author() + ":" + l.eventId());
            if (!deleted && complete && asked.contains(e.getKey()) && !ids.contains(l.eventId())) l.relays().remove(relay);
            if (deleted || l.relays().isEmpty()) {
                it.remove();
                if (file.remove(e.getKey())) withdrawn++;
            }
        }
        return withdrawn;
    }

    private static String carrierKey(JsonNode announcement) {
        return announcement.path("pubkey").asText("") + "@" + announcement.path("announcedAt").asLong(-1);
    }
}

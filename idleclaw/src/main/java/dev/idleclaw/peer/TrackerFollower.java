package dev.idleclaw.peer;

import dev.idleclaw.announce.UrlSafety;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a peers file in step with one or more trackers ({@code --sync-from}): {@link #syncAll()} runs
 * {@link TrackerSync} against each tracker in turn and logs what it found. The owner schedules it once at start
 * and then every {@link #DEFAULT_INTERVAL}. Synced entries carry {@code expiresAt}, so a peer that stops announcing
 * drops out of the file when its last announcement goes stale; nothing is ever removed otherwise (a tracker that
 * is briefly unreachable does not empty the router).
 */
public final class TrackerFollower {
    private static final Logger log = LoggerFactory.getLogger(TrackerFollower.class);
    /**
     * How often trackers are read: well inside the shortest heartbeat (30 s) times two, so a live peer never
     * lapses between syncs, and rare enough that a tracker serving many routers is not hammered.
     */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    /** What one tracker answered in the last round: its result, or the reason it failed. */
    public record Round(URI tracker, TrackerSync.Result result, String error) {}

    private final List<URI> trackers;
    private final PeersFile file;
    private final UrlSafety urlSafety;
    private final HttpClient http;
    private final LongSupplier nowMillis;
    private final String self;
    /** Last round's results per tracker, so an unchanged round logs at debug, not every minute at info. */
    private final java.util.Map<URI, TrackerSync.Result> last = new java.util.HashMap<>();

    /**
     * @param self this hub's key, whose own announcement is never written to the file (null: skip nobody)
     */
    public TrackerFollower(List<URI> trackers, PeersFile file, UrlSafety urlSafety, HttpClient http, LongSupplier nowMillis, String self) {
        this.trackers = List.copyOf(trackers);
        this.file = Objects.requireNonNull(file, "file");
        this.urlSafety = Objects.requireNonNull(urlSafety, "urlSafety");
        this.http = Objects.requireNonNull(http, "http");
        this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
        this.self = self;
    }

    /** Syncs from every tracker, one after the other; never throws (failures are logged and returned). */
    public synchronized List<Round> syncAll() {
        return trackers.stream().map(this::syncOne).toList();
    }

    private Round syncOne(URI tracker) {
        try {
            var r = TrackerSync.sync(tracker, file, urlSafety, http, nowMillis.getAsLong(), self);
            boolean changed = !r.equals(last.put(tracker, r));
            if (!changed) {
                log.debug("synced {} peer(s) from {} (unchanged)", r.synced(), tracker);
            } else if (r.badSignature() + r.unsafeUrl() + r.stale() > 0) {
                log.info("synced {} peer(s) from {} (rejected {} bad-signature, {} unsafe-url, {} stale)", r.synced(), tracker,
                        r.badSignature(), r.unsafeUrl(), r.stale());
            } else {
                log.info("synced {} peer(s) from {}", r.synced(), tracker);
            }
            return new Round(tracker, r, null);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("cannot sync peers from {}: {}", tracker, why);
            last.remove(tracker);
            return new Round(tracker, null, why);
        }
    }
}

package dev.idleclaw.cli;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.Announcer;
import dev.idleclaw.announce.NostrRelay;
import dev.idleclaw.peer.TrackerSync;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The tracker and Nostr options shared by {@code server} and {@code router}: {@code --sync-from} and
 * {@code --sync-nostr} (follow trackers or relays into the peers file) and, for a hub,
 * {@code --announce-to/--announce-nostr/--announce-url/--announce-label/--announce-ttl}. Parsing throws
 * {@link IllegalArgumentException} with a message naming the option; commands turn it into exit 2.
 */
final class FederationOptions {
    private FederationOptions() {}

    /** {@code --sync-from TRACKER}, repeatable or comma-separated. */
    static final class Sync {
        @Option(names = "--sync-from", paramLabel = "TRACKER", split = ",",
                description = "Tracker to read peers from at start and every 60 s into the peers file, e.g. http://tracker:17476; "
                        + "repeatable. Synced peers expire with their announcement.")
        List<String> trackers = List.of();
        @Option(names = "--sync-nostr", paramLabel = "RELAY", split = ",",
                description = "Nostr relay to read peer announcements (kind 31474) from at start and every 60 s into the peers "
                        + "file, e.g. wss://relay.example; repeatable. Off unless given.")
        List<String> relays = List.of();

        /** The relays as URIs; throws naming {@code --sync-nostr} for a non-ws(s) URL. */
        List<URI> relays() {
            return FederationOptions.relays("--sync-nostr", relays);
        }

        /** The trackers as URIs; throws naming {@code --sync-from} for a non-http(s) URL. */
        List<URI> uris() {
            if (trackers == null) return List.of();
            return trackers.stream().map(String::strip).filter(t -> !t.isEmpty()).map(t -> {
                try {
                    return TrackerSync.trackerUri(t);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--sync-from: " + e.getMessage());
                }
            }).toList();
        }
    }

    /** {@code --announce-to} and {@code --announce-url} (both or neither), label and TTL. */
    static final class Announce {
        @Option(names = "--announce-to", paramLabel = "TRACKER",
                description = "Tracker to announce this hub to, e.g. http://tracker:17476 (needs --announce-url).")
        String to;
        @Option(names = "--announce-nostr", paramLabel = "RELAY", split = ",",
                description = "Nostr relay to publish this hub's signed announcement to (kind 31474, the identity's secp256k1 "
                        + "key), e.g. wss://relay.example; repeatable; needs --announce-url. Off unless given.")
        List<String> nostr = List.of();
        @Option(names = "--announce-url", paramLabel = "URL",
                description = "The public URL routers should call this hub at (needs --announce-to or --announce-nostr).")
        String url;
        @Option(names = "--announce-label", defaultValue = Announcer.HUB_LABEL,
                description = "Label in announcements (default: " + Announcer.HUB_LABEL + ").")
        String label;
        @Option(names = "--announce-ttl", paramLabel = "SECONDS", defaultValue = "" + Announcement.DEFAULT_TTL_SECONDS,
                description = "Seconds an announcement lives; it is renewed every max(ttl/2, 30 s) (default: 300).")
        long ttl;

        /** The announcer's settings, or null when not announcing; throws naming the option when they are wrong. */
        Announcer.Settings settings() {
            List<URI> relays = FederationOptions.relays("--announce-nostr", nostr);
            if (to == null && relays.isEmpty()) {
                if (url != null) throw new IllegalArgumentException("--announce-url needs --announce-to or --announce-nostr");
                return null;
            }
            if (url == null) throw new IllegalArgumentException((to != null ? "--announce-to" : "--announce-nostr") + " needs --announce-url");
            if (ttl <= 0) throw new IllegalArgumentException("--announce-ttl must be positive, got " + ttl);
            if (to == null) return new Announcer.Settings(null, url.strip(), label, null, ttl, null, relays);
            URI tracker;
            try {
                tracker = URI.create(to.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--announce-to is not a URL: " + to);
            }
            return new Announcer.Settings(tracker, url.strip(), label, null, ttl, null, relays);
        }
    }

    /** {@code values} (repeatable or comma-separated) as relay URIs; throws naming {@code option} for a bad one. */
    static List<URI> relays(String option, List<String> values) {
        if (values == null) return List.of();
        return values.stream().map(String::strip).filter(r -> !r.isEmpty()).map(r -> {
            try {
                return NostrRelay.relayUri(r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage());
            }
        }).toList();
    }
}

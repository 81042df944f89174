package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.peer.PeerDirectory;
import dev.idleclaw.peer.TrackerFollower;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The hub among other hubs: its peers, the trackers it follows or mounts, and its own announcement.
 *
 * @param peersFile       null: no peers (a plain hub); else peers from this file are backends too (router, federated hub)
 * @param localPeers      allow loopback and private peer URLs (local setups and tests)
 * @param syncFrom        trackers whose peers are synced into {@code peersFile} at start and every {@code syncInterval}
 * @param peerCapacityTtl how long a peer's capacity is trusted
 * @param peerCooldown    how long a failing peer sits out
 * @param tracker         true: a tracker is mounted at {@code /tracker} (its URL policy follows {@code localPeers})
 * @param announce        null: do not announce; set: keep this hub listed at a tracker and/or Nostr relays, models = its catalog
 * @param syncNostr       Nostr relays whose kind-31474 announcements are synced into {@code peersFile}, like {@code syncFrom}
 */
public record Federation(Path peersFile, boolean localPeers, List<URI> syncFrom, Duration syncInterval,
                         Duration peerCapacityTtl, Duration peerCooldown, boolean tracker, Announcer.Settings announce,
                         List<URI> syncNostr) {

    /** Trackers are read once at start and then every minute (see {@link TrackerFollower}). */
    public static final Duration DEFAULT_SYNC_INTERVAL = TrackerFollower.DEFAULT_INTERVAL;

    public Federation {
        syncFrom = syncFrom == null ? List.of() : List.copyOf(syncFrom);
        require(syncFrom.isEmpty() || peersFile != null, "--sync-from needs a peers file (--peers)");
        syncNostr = syncNostr == null ? List.of() : List.copyOf(syncNostr);
        require(syncNostr.isEmpty() || peersFile != null, "--sync-nostr needs a peers file (--peers)");
        if (syncInterval == null) syncInterval = DEFAULT_SYNC_INTERVAL;
        if (peerCapacityTtl == null) peerCapacityTtl = PeerDirectory.CAPACITY_TTL;
        if (peerCooldown == null) peerCooldown = PeerDirectory.COOLDOWN;
        require(syncInterval.isPositive(), "the sync interval must be positive");
        require(peerCapacityTtl.isPositive(), "the peer capacity TTL must be positive");
        require(!peerCooldown.isNegative(), "the peer cooldown must not be negative");
    }
}

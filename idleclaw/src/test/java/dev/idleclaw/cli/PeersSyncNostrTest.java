package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.NostrAnnouncements;
import dev.idleclaw.announce.NostrRelay;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.e2e.LocalNostrRelay;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.NostrKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw peers sync-nostr} against a real relay: what it adds and prints, and its exit codes. */
@Timeout(120)
class PeersSyncNostrTest {
    /** A cold install builds the relay's SQLite module from source: minutes, outside the per-test timeout. */
    @org.junit.jupiter.api.BeforeAll
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    static void installRelay() {
        dev.idleclaw.e2e.LocalNostrRelay.modules();
    }

    @TempDir
    Path dir;

    @Test
    void aRelaysGoodAnnouncementIsAddedAndCounted() throws Exception {
        try (var relay = LocalNostrRelay.start()) {
            var who = Identity.generate();
            var a = new Announcement(Announcement.VERSION, who.publicKey(), "http://10.0.0.5:17474", "w", List.of("m:7b"), null, 300,
                    System.currentTimeMillis());
            var ev = NostrAnnouncements.announcement(NostrKey.generate(), SignedAnnouncement.sign(a, who), System.currentTimeMillis() / 1000);
            assertThat(NostrRelay.publish(relay.uri(), ev).accepted()).isTrue();
            Path peers = dir.resolve("peers.json");
            var run = CliRun.main("peers", "sync-nostr", "--peers", peers.toString(), relay.uri().toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("synced 1 peer(s) from " + relay.uri() + " (rejected 0 bad-signature, 0 unsafe-url, 0 stale)");
            assertThat(Files.readString(peers)).contains(who.publicKey(), "http://10.0.0.5:17474");
        }
    }

    @Test
    void aBadRelayUrlIsAUsageErrorAndAnUnreachableRelayARuntimeError() throws Exception {
        var bad = CliRun.main("peers", "sync-nostr", "--peers", dir.resolve("p.json").toString(), "https://relay.example");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("ws(s)://");
        int dead;
        try (var s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        var down = CliRun.main("peers", "sync-nostr", "--peers", dir.resolve("p.json").toString(), "ws://127.0.0.1:" + dead);
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("error: relay ws://127.0.0.1:" + dead);
    }
}

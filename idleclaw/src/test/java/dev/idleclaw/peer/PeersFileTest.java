package dev.idleclaw.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.announce.Announcement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peers file: Lobstah's layout, our {@code expiresAt}, upsert/remove by key, expiry on read and write. */
class PeersFileTest {
    static final String A = "lob1" + "a".repeat(64);
    static final String B = "lob1" + "b".repeat(64);
    static final String C = "lob1" + "c".repeat(64);

    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong(1_000_000);

    PeersFile file() {
        return new PeersFile(dir.resolve("sub/peers.json"), now::get);
    }

    @Test
    void writesLobstahsLayoutAndReadsItBack() throws Exception {
        var f = file();
        f.upsert(Peer.of(A, "http://10.0.0.5:17474", "my-worker"));
        f.upsert(new Peer(B, "https://w.example", null, 2_000_000L));
        assertThat(Files.readString(f.path())).isEqualTo("""
                [
                  {
                    "pubkey": "%s",
                    "url": "http://10.0.0.5:17474",
                    "label": "my-worker"
                  },
                  {
                    "pubkey": "%s",
                    "url": "https://w.example",
                    "expiresAt": 2000000
                  }
                ]
                """.formatted(A, B));
        assertThat(f.list()).containsExactly(Peer.of(A, "http://10.0.0.5:17474", "my-worker"), new Peer(B, "https://w.example", null, 2_000_000L));
        try (var stray = Files.list(f.path().getParent())) {
            assertThat(stray.map(p -> p.getFileName().toString())).containsExactly("peers.json");
        }
    }

    @Test
    void readsAFileLobstahWroteAsPeersThatNeverExpire() throws Exception {
        Path p = dir.resolve("peers.json");
        // JSON.stringify(peers, null, 2) + "\n", with a label-less entry and a field we do not know
        Files.writeString(p, "[\n  {\n    \"pubkey\": \"" + A + "\",\n    \"url\": \"http://10.0.0.5:17474\",\n    \"label\": \"gpu-box\"\n  },\n"
                + "  {\n    \"pubkey\": \"" + B + "\",\n    \"url\": \"http://10.0.0.6:17474\",\n    \"extra\": 1\n  }\n]\n");
        now.set(Long.MAX_VALUE);
        assertThat(new PeersFile(p, now::get).list())
                .containsExactly(Peer.of(A, "http://10.0.0.5:17474", "gpu-box"), Peer.of(B, "http://10.0.0.6:17474", null));
    }

    @Test
    void anEmptyListIsABareArrayAndAMissingFileIsNoPeers() throws Exception {
        var f = file();
        assertThat(f.list()).isEmpty();
        f.upsert(Peer.of(A, "http://10.0.0.5:1", null));
        f.remove(A);
        assertThat(Files.readString(f.path())).isEqualTo("[]\n");
    }

    @Test
    void upsertReplacesInPlaceAndRemoveGoesByKey() {
        var f = file();
        assertThat(f.upsert(Peer.of(A, "http://10.0.0.5:1", "a"))).isFalse();
        f.upsert(Peer.of(B, "http://10.0.0.6:1", "b"));
        assertThat(f.upsert(Peer.of(A, "http://10.0.0.7:1", "a2"))).isTrue();
        assertThat(f.list()).extracting(Peer::pubkey, Peer::url).containsExactly(
                org.assertj.core.groups.Tuple.tuple(A, "http://10.0.0.7:1"), org.assertj.core.groups.Tuple.tuple(B, "http://10.0.0.6:1"));
        assertThat(f.remove(C)).isFalse();
        assertThat(f.remove(A)).isTrue();
        assertThat(f.list()).extracting(Peer::pubkey).containsExactly(B);
    }

    @Test
    void expiredEntriesAreDroppedOnReadAndOnTheNextWrite() throws Exception {
        var f = file();
        f.upsert(new Peer(A, "http://10.0.0.5:1", null, 1_500_000L));
        f.upsert(Peer.of(B, "http://10.0.0.6:1", null));
        now.set(1_500_000);
        assertThat(f.list()).extracting(Peer::pubkey).containsExactly(A, B); // expires *after* expiresAt
        now.set(1_500_001);
        assertThat(f.list()).extracting(Peer::pubkey).containsExactly(B);
        assertThat(Files.readString(f.path())).contains(A);
        f.upsert(Peer.of(C, "http://10.0.0.7:1", null));
        assertThat(Files.readString(f.path())).doesNotContain(A).contains(B, C);
    }

    @Test
    void aSyncedPeerExpiresWhenItsAnnouncementGoesStale() {
        var a = new Announcement(1, A, "http://10.0.0.5:1", "w", List.of("m"), null, 300, 1_000_000);
        Peer p = Peer.fromAnnouncement(a);
        assertThat(p.expiresAt()).isEqualTo(1_300_000L);
        assertThat(p.expired(1_300_000)).isEqualTo(a.status(1_300_000) != Announcement.Status.OK).isFalse();
        assertThat(p.expired(1_300_001)).isEqualTo(a.status(1_300_001) == Announcement.Status.STALE).isTrue();
    }

    @Test
    void aMalformedFileIsAnErrorNamingTheFile() throws Exception {
        Path p = dir.resolve("peers.json");
        for (String text : List.of("{}", "[1]", "[{\"pubkey\":\"" + A + "\"}]", "[{\"pubkey\":\"" + A + "\",\"url\":\"u\",\"expiresAt\":\"soon\"}]", "not json")) {
            Files.writeString(p, text);
            assertThatThrownBy(() -> new PeersFile(p, now::get).list()).isInstanceOf(PeersFileException.class).hasMessageContaining(p.toString());
        }
    }

    @Test
    void endpointJoinsWithOneSlash() {
        assertThat(Peer.of(A, "http://h:1/", null).endpoint("capacity")).isEqualTo("http://h:1/capacity");
        assertThat(Peer.of(A, "http://h:1", null).endpoint("capacity")).isEqualTo("http://h:1/capacity");
    }
}

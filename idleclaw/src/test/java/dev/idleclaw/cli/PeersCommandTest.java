package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeersFile;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw peers add|remove|list|sync} through the real command line, syncing from a real tracker. */
class PeersCommandTest {
    @TempDir
    Path dir;
    final Identity alice = Identity.generate();
    final Identity bob = Identity.generate();
    /** The tracker's clock; starts at the real time because {@code Main.run} judges freshness by the system clock. */
    final AtomicLong trackerNow = new AtomicLong(System.currentTimeMillis());
    TrackerServer tracker;

    @AfterEach
    void stop() {
        if (tracker != null) tracker.close();
    }

    String peers() {
        return dir.resolve("peers.json").toString();
    }

    CliRun peers(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "peers";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--peers";
        full[args.length + 2] = peers();
        return CliRun.main(full);
    }

    /** A real tracker in --local mode, so it holds loopback peers for us to accept or refuse. */
    String startTracker() {
        tracker = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.LOCAL).withClock(trackerNow::get));
        return "http://127.0.0.1:" + tracker.port();
    }

    void announce(Identity who, String url, long at) throws Exception {
        announce(who, url, "w-" + who.publicKey().substring(4, 8), Announcement.DEFAULT_TTL_SECONDS, at);
    }

    void announce(Identity who, String url, String label, long ttlSeconds, long at) throws Exception {
        var signed = SignedAnnouncement.sign(new Announcement(1, who.publicKey(), url, label, List.of("m"), null, ttlSeconds, at), who);
        try (var http = HttpClient.newHttpClient()) {
            var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tracker.port() + "/announce"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(signed.toJson()))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void addListRemove() throws Exception {
        var add = peers("add", alice.publicKey(), "http://10.0.0.5:17474", "gpu-box");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out().strip()).isEqualTo("added " + alice.publicKey() + " http://10.0.0.5:17474");
        assertThat(peers("add", bob.publicKey(), "http://10.0.0.6:17474").exit()).isZero();
        assertThat(peers("add", alice.publicKey(), "http://10.0.0.7:17474", "moved").out()).startsWith("updated ");

        var list = peers("list");
        assertThat(list.exit()).isZero();
        assertThat(list.lines()).hasSize(3);
        assertThat(list.lines().get(0)).startsWith("PUBKEY").contains("URL", "LABEL", "EXPIRES");
        assertThat(list.lines().get(1)).startsWith(alice.publicKey()).contains("http://10.0.0.7:17474", "moved", "never");
        assertThat(list.lines().get(2)).startsWith(bob.publicKey()).contains(" - ");

        var remove = peers("remove", alice.publicKey());
        assertThat(remove.exit()).isZero();
        assertThat(remove.out().strip()).isEqualTo("removed " + alice.publicKey());
        assertThat(new PeersFile(Path.of(peers()), System::currentTimeMillis).list()).containsExactly(Peer.of(bob.publicKey(), "http://10.0.0.6:17474", null));
        var again = peers("remove", alice.publicKey());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).startsWith("error: no peer ").hasLineCount(1);
        assertThat(peers("remove", bob.publicKey()).exit()).isZero();
        assertThat(peers("list").out().strip()).isEqualTo("no peers");
    }

    @Test
    void addRefusesMalformedKeysAndUnsafeUrlsWithExitTwo() {
        var badKey = peers("add", "lob1ABC", "http://10.0.0.5:1");
        assertThat(badKey.exit()).isEqualTo(2);
        assertThat(badKey.err()).startsWith("error: not a public key").hasLineCount(1);

        for (String url : List.of("http://127.0.0.1:17474", "http://[::1]:1", "ftp://10.0.0.5/", "http://169.254.169.254/", "http://2130706433/")) {
            var r = peers("add", alice.publicKey(), url);
            assertThat(r.exit()).as(url).isEqualTo(2);
            assertThat(r.err()).as(url).startsWith("error: unsafe peer URL " + url).hasLineCount(1);
        }
        assertThat(Files.exists(Path.of(peers()))).isFalse();

        var local = peers("add", alice.publicKey(), "http://127.0.0.1:17474", "--local");
        assertThat(local.exit()).as(local.err()).isZero();
        assertThat(peers("add", bob.publicKey(), "http://169.254.169.254/", "--local").exit()).isEqualTo(2); // metadata: never
        assertThat(peers("add", bob.publicKey(), "http://10.0.0.5:1", "--block-private").exit()).isEqualTo(2);
        assertThat(peers("list", "--local", "--block-private").exit()).isZero(); // list does not check addresses
    }

    @Test
    void syncUpsertsFreshPeersThatExpireWithTheirAnnouncement() throws Exception {
        String url = startTracker();
        long t = trackerNow.get();
        announce(alice, "http://127.0.0.1:17474", t);
        announce(bob, "http://127.0.0.1:17475", t - 1_000);
        peers("add", "lob1" + "c".repeat(64), "http://10.0.0.9:1", "by-hand");

        var clock = new AtomicLong(t);
        var sync = CliRun.command(new PeersCommand(clock::get), "sync", url, "--local", "--peers", peers());
        assertThat(sync.exit()).as(sync.err()).isZero();
        assertThat(sync.out().strip()).isEqualTo("synced 2 peer(s) from " + url + " (rejected 0 bad-signature, 0 unsafe-url, 0 stale)");

        var file = new PeersFile(Path.of(peers()), clock::get);
        assertThat(file.list()).extracting(Peer::pubkey, Peer::expiresAt).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("lob1" + "c".repeat(64), null),
                org.assertj.core.groups.Tuple.tuple(alice.publicKey(), t + 300_000),
                org.assertj.core.groups.Tuple.tuple(bob.publicKey(), t - 1_000 + 300_000));
        assertThat(Files.readString(Path.of(peers()))).contains("\"expiresAt\": " + (t + 300_000));

        clock.set(t - 1_000 + 300_001); // bob's announcement is stale now, alice's is not
        var list = CliRun.command(new PeersCommand(clock::get), "list", "--peers", peers());
        assertThat(list.out()).contains(alice.publicKey()).doesNotContain(bob.publicKey());
        clock.set(t + 300_001);
        assertThat(CliRun.command(new PeersCommand(clock::get), "list", "--peers", peers()).lines()).hasSize(2); // header + by-hand
    }

    @Test
    void syncCapsAHugeTtlAtTheTrackersHour() throws Exception {
        String url = startTracker();
        long t = trackerNow.get();
        announce(alice, "http://127.0.0.1:17474", null, 1_000_000_000_000L, t);
        var clock = new AtomicLong(t);
        var sync = CliRun.command(new PeersCommand(clock::get), "sync", url, "--local", "--peers", peers());
        assertThat(sync.exit()).as(sync.err()).isZero();
        assertThat(new PeersFile(Path.of(peers()), clock::get).list()).extracting(Peer::expiresAt).containsExactly(t + 3_600_000);

        clock.set(t + 3_600_001); // the tracker has dropped it by now; a sync must not bring it back
        var late = CliRun.command(new PeersCommand(clock::get), "sync", url, "--local", "--peers", peers());
        assertThat(late.out().strip()).endsWith("(rejected 0 bad-signature, 0 unsafe-url, 1 stale)");
        assertThat(new PeersFile(Path.of(peers()), clock::get).list()).isEmpty();
    }

    @Test
    void listEscapesControlCharactersInTrackerSuppliedLabels() throws Exception {
        String url = startTracker();
        announce(alice, "http://127.0.0.1:17474", "evil\u001b[2J\nlob1forged http://x never\r", Announcement.DEFAULT_TTL_SECONDS, trackerNow.get());
        assertThat(peers("sync", url, "--local").exit()).isZero();
        var list = peers("list");
        assertThat(list.lines()).hasSize(2);
        assertThat(list.out()).doesNotContain("\u001b").doesNotContain("\r").contains("evil\\u001b[2J\\nlob1forged http://x never\\r");
    }

    @Test
    void syncRefusesLoopbackPeersWithoutLocal() throws Exception {
        String url = startTracker();
        announce(alice, "http://127.0.0.1:17474", trackerNow.get());
        var sync = peers("sync", url);
        assertThat(sync.exit()).as(sync.err()).isZero();
        assertThat(sync.out().strip()).isEqualTo("synced 0 peer(s) from " + url + " (rejected 0 bad-signature, 1 unsafe-url, 0 stale)");
        assertThat(Files.exists(Path.of(peers()))).isFalse();
    }

    @Test
    void syncRefusesAnnouncementsStaleAtOurClock() throws Exception {
        // The tracker's clock runs 6 min behind ours: it still serves what we must call stale.
        trackerNow.addAndGet(-360_000);
        String url = startTracker();
        announce(alice, "http://127.0.0.1:17474", trackerNow.get());
        var sync = peers("sync", url, "--local");
        assertThat(sync.out().strip()).endsWith("(rejected 0 bad-signature, 0 unsafe-url, 1 stale)").startsWith("synced 0 peer(s)");
    }

    @Test
    void syncRefusesBadSignaturesFromADishonestTracker() throws Exception {
        long now = System.currentTimeMillis();
        var good = SignedAnnouncement.sign(new Announcement(1, alice.publicKey(), "http://127.0.0.1:1", null, null, null, 300, now), alice);
        var forged = SignedAnnouncement.sign(new Announcement(1, bob.publicKey(), "http://127.0.0.1:2", null, null, null, 300, now), bob);
        // bob's signature over a different URL; and one entry signed by alice but claiming bob's key
        var tampered = new SignedAnnouncement(new Announcement(1, bob.publicKey(), "http://127.0.0.1:666", null, null, null, 300, now), forged.signature());
        var impostor = new SignedAnnouncement(new Announcement(1, bob.publicKey(), "http://127.0.0.1:3", null, null, null, 300, now),
                alice.sign(dev.idleclaw.identity.Canonical.bytes(new Announcement(1, bob.publicKey(), "http://127.0.0.1:3", null, null, null, 300, now).toJson())));
        var body = Json.object().put("version", 1).put("count", 4);
        var arr = body.putArray("peers");
        arr.add(good.toJson());
        arr.add(tampered.toJson());
        arr.add(impostor.toJson());
        arr.add(Json.object().put("announcement", "nonsense").put("signature", "00"));
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/peers", ex -> {
            byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (ex) {
                ex.getResponseBody().write(b);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            var sync = peers("sync", url, "--local");
            assertThat(sync.exit()).as(sync.err()).isZero();
            assertThat(sync.out().strip()).isEqualTo("synced 1 peer(s) from " + url + " (rejected 3 bad-signature, 0 unsafe-url, 0 stale)");
            assertThat(new PeersFile(Path.of(peers()), () -> now).list()).extracting(Peer::pubkey).containsExactly(alice.publicKey());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableTrackerIsARuntimeErrorOnOneLine() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var sync = peers("sync", "http://127.0.0.1:" + port);
        assertThat(sync.exit()).isEqualTo(1);
        assertThat(sync.err().strip()).isEqualTo("error: tracker http://127.0.0.1:" + port + ": connection refused");

        var notATracker = peers("sync", "file:///etc/passwd");
        assertThat(notATracker.exit()).isEqualTo(2);
        assertThat(notATracker.err()).startsWith("error: tracker URL must be http(s)").hasLineCount(1);
    }

    @Test
    void helpNamesTheOptionsAndEnvironmentVariables() {
        var run = CliRun.wide("peers", "add", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--peers", "IDLECLAW_PEERS", "peers.json in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw", "--local", "IDLECLAW_PEERS_LOCAL", "--block-private");
        assertThat(CliRun.wide("peers").out()).contains("add", "remove", "list", "sync");
    }
}

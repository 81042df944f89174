package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.NostrAnnouncements;
import dev.idleclaw.announce.NostrEvent;
import dev.idleclaw.announce.NostrRelay;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.NostrKey;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.NostrFollower;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeersFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our Nostr client and follower against a real relay ({@link LocalNostrRelay}): the relay accepts our events (so
 * our NIP-01 ids and BIP-340 signatures are right by another implementation's checks) and answers our queries;
 * the follower takes good announcements and ignores forged, stale, wrong-tag, unsafe and replayed older ones,
 * and a withdrawal removes the peer.
 */
@Timeout(120)
class NostrRelayTest {
    /** A cold install builds the relay's SQLite module from source: minutes, outside the per-test timeout. */
    @org.junit.jupiter.api.BeforeAll
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    static void installRelay() {
        LocalNostrRelay.modules();
    }

    private LocalNostrRelay relay;
    private Path dir;
    private PeersFile file;

    @BeforeEach
    void start() throws Exception {
        relay = LocalNostrRelay.start();
        dir = Files.createTempDirectory("nostr-follow");
        file = new PeersFile(dir.resolve("peers.json"), System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
        if (dir != null) FederatedNetwork.delete(dir);
    }

    private static SignedAnnouncement announcement(Identity who, String url, long announcedAt) {
        return SignedAnnouncement.sign(new Announcement(Announcement.VERSION, who.publicKey(), url, "t", List.of("m:7b"), null, 300,
                announcedAt), who);
    }

    /** Publishes and insists the relay took it. */
    private NostrEvent publish(NostrEvent ev) throws Exception {
        var ok = NostrRelay.publish(relay.uri(), ev);
        assertThat(ok.accepted()).as("relay verdict: " + ok.message() + "\n" + relay.log()).isTrue();
        return ev;
    }

    private NostrEvent publish(NostrKey key, SignedAnnouncement s) throws Exception {
        return publish(NostrAnnouncements.announcement(key, s, System.currentTimeMillis() / 1000));
    }

    private NostrFollower follower(UrlSafety.Policy policy) {
        return new NostrFollower(List.of(relay.uri()), file, UrlSafety.of(policy), System::currentTimeMillis, null);
    }

    private List<String> keys() {
        return file.list().stream().map(Peer::pubkey).toList();
    }

    @Test
    void theRelayTakesOurSignedEventsAndReturnsThemByKind() throws Exception {
        var who = Identity.generate();
        var ev = publish(NostrKey.generate(), announcement(who, "http://10.0.0.5:17474", System.currentTimeMillis()));
        var kind = Json.object();
        kind.putArray("kinds").add(NostrAnnouncements.KIND);
        var batch = NostrRelay.query(relay.uri(), kind);
        assertThat(batch.complete()).as("the relay sent EOSE").isTrue();
        List<JsonNode> got = batch.events();
        assertThat(got).hasSize(1);
        assertThat(NostrEvent.fromJson(got.getFirst())).isEqualTo(ev);
        var other = Json.object();
        other.putArray("kinds").add(1);
        assertThat(NostrRelay.query(relay.uri(), other).events()).isEmpty();
    }

    @Test
    void theRelayRefusesAnEventWhoseSignatureIsNotTheAuthors() throws Exception {
        var good = NostrAnnouncements.announcement(NostrKey.generate(), announcement(Identity.generate(), "http://10.0.0.5:1",
                System.currentTimeMillis()), System.currentTimeMillis() / 1000);
        var forged = new NostrEvent(good.id(), NostrKey.generate().publicKeyHex(), good.createdAt(), good.kind(), good.tags(),
                good.content(), good.sig());
        assertThat(NostrRelay.publish(relay.uri(), forged).accepted()).isFalse();
    }

    @Test
    void theFollowerTakesAGoodAnnouncementAndIgnoresForgedStaleWrongTagAndUnsafeOnes() throws Exception {
        long now = System.currentTimeMillis();
        var good = Identity.generate();
        publish(NostrKey.generate(), announcement(good, "http://10.0.0.5:17474", now));
        // Inner Ed25519 signature by someone else: the Nostr envelope is valid, the announcement is not.
        var victim = Identity.generate();
        var real = announcement(victim, "http://10.0.0.6:17474", now);
        var forgedInner = new SignedAnnouncement(real.announcement(), Identity.generate().sign(new byte[] {1}));
        publish(NostrKey.generate(), forgedInner);
        // Older than its TTL.
        var old = Identity.generate();
        publish(NostrKey.generate(), announcement(old, "http://10.0.0.7:17474", now - 600_000));
        // The lobstah_pubkey tag names another key than the announcement inside.
        var tagged = Identity.generate();
        var s = announcement(tagged, "http://10.0.0.8:17474", now);
        publish(NostrEvent.sign(NostrKey.generate(), now / 1000, NostrAnnouncements.KIND, List.of(List.of("d", "lobstah-peer"),
                List.of("t", "lobstah"), List.of(NostrAnnouncements.PUBKEY_TAG, Identity.generate().publicKey())), Json.write(s.toJson())));
        // A loopback URL, refused by the default address policy.
        var loopback = Identity.generate();
        publish(NostrKey.generate(), announcement(loopback, "http://127.0.0.1:17474", now));

        var round = follower(UrlSafety.Policy.DEFAULT).syncAll().getFirst();
        assertThat(round.error()).isNull();
        assertThat(round.result()).isEqualTo(new NostrFollower.Result(1, 2, 1, 1, 0));
        assertThat(keys()).containsExactly(good.publicKey());
        assertThat(file.list().getFirst().url()).isEqualTo("http://10.0.0.5:17474");
    }

    @Test
    void announcedAtOnlyMovesForwardEvenAfterAWithdrawalWhenAnOlderAnnouncementIsRepublished() throws Exception {
        long now = System.currentTimeMillis();
        var who = Identity.generate();
        var older = announcement(who, "http://10.0.0.5:1111", now - 60_000);
        var newer = announcement(who, "http://10.0.0.5:2222", now);
        var author = NostrKey.generate();
        var ev = publish(author, newer);
        var follower = follower(UrlSafety.Policy.DEFAULT);
        assertThat(follower.syncAll().getFirst().result().synced()).isEqualTo(1);
        assertThat(file.list()).singleElement().extracting(Peer::url).isEqualTo("http://10.0.0.5:2222");
        // The hub withdraws; anyone may then wrap its still-fresh older announcement in an event of their own.
        publish(NostrAnnouncements.withdrawal(author, ev.id(), System.currentTimeMillis() / 1000));
        publish(NostrKey.generate(), older);
        // The relay caches a filter's result for a second: sync until it answers afresh.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(follower.syncAll().getFirst().result().stale()).isEqualTo(1);
            assertThat(keys()).isEmpty();
        });
    }

    @Test
    void aWithdrawalByTheSameAuthorRemovesThePeerAndKeepsItRemoved() throws Exception {
        var who = Identity.generate();
        var key = NostrKey.generate();
        var ev = publish(key, announcement(who, "http://10.0.0.5:17474", System.currentTimeMillis()));
        var follower = follower(UrlSafety.Policy.DEFAULT);
        follower.syncAll();
        assertThat(keys()).containsExactly(who.publicKey());
        // A deletion by another Nostr key is not the author's and changes nothing.
        publish(NostrAnnouncements.withdrawal(NostrKey.generate(), ev.id(), System.currentTimeMillis() / 1000));
        assertThat(follower.syncAll().getFirst().result().withdrawn()).isZero();
        assertThat(keys()).containsExactly(who.publicKey());

        publish(NostrAnnouncements.withdrawal(key, ev.id(), System.currentTimeMillis() / 1000));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            follower.syncAll();
            assertThat(keys()).isEmpty();
        });
        // The relay itself dropped the event.
        var kind = Json.object();
        kind.putArray("kinds").add(NostrAnnouncements.KIND);
        assertThat(NostrRelay.query(relay.uri(), kind).events()).noneMatch(n -> n.path("id").asText().equals(ev.id()));
        assertThat(follower.syncAll().getFirst().result().synced()).isZero();
        assertThat(keys()).isEmpty();
    }

    @Test
    void anUnreachableRelayIsAnErrorThatLosesNoPeers() throws Exception {
        var who = Identity.generate();
        publish(NostrKey.generate(), announcement(who, "http://10.0.0.5:17474", System.currentTimeMillis()));
        var follower = follower(UrlSafety.Policy.DEFAULT);
        follower.syncAll();
        relay.close();
        var round = follower.syncAll().getFirst();
        assertThat(round.error()).contains("relay");
        assertThat(keys()).containsExactly(who.publicKey());
    }
}

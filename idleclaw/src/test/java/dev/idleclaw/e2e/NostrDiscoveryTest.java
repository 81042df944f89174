package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.NostrAnnouncements;
import dev.idleclaw.announce.NostrEvent;
import dev.idleclaw.announce.NostrRelay;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeersFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A router finds a hub through a real Nostr relay: the hub ({@code --announce-nostr}) publishes its signed
 * announcement in Lobstah's event format, the router ({@code --sync-nostr}) syncs it into its peers file and
 * routes a chat to it, and the hub's shutdown withdraws it from the relay and from the router.
 */
@Timeout(180)
class NostrDiscoveryTest {
    /** A cold install builds the relay's SQLite module from source: minutes, outside the per-test timeout. */
    @org.junit.jupiter.api.BeforeAll
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    static void installRelay() {
        LocalNostrRelay.modules();
    }

    private static final String MODEL = "nostr-model:7b";
    /** Starting hubs and the first announcement and sync round on a loaded machine. */
    private static final Duration DISCOVERY = Duration.ofSeconds(60);

    private LocalNostrRelay relay;

    @BeforeEach
    void start() throws Exception {
        relay = LocalNostrRelay.start();
    }

    @AfterEach
    void stop() {
        if (relay != null) relay.close();
    }

    private List<NostrEvent> announcementsOnTheRelay() throws Exception {
        var kind = Json.object();
        kind.putArray("kinds").add(NostrAnnouncements.KIND);
        List<NostrEvent> events = new java.util.ArrayList<>();
        for (JsonNode n : NostrRelay.query(relay.uri(), kind).events()) events.add(NostrEvent.fromJson(n));
        return events;
    }

    @Test
    void aRouterFindsAHubThroughTheRelayAndRoutesAChatToIt() throws Exception {
        try (var net = FederatedNetwork.overNostr(relay.uri(), MODEL)) {
            var hub = net.members.getFirst();
            await().atMost(DISCOVERY).untilAsserted(() -> {
                var a = net.chat(MODEL);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.worker()).isEqualTo(hub.key());
            });
            // On the relay: Lobstah's event, signed with the hub's own Nostr key from its identity file.
            var nostrKey = IdentityFile.readStored(hub.dir.resolve("identity.json")).orElseThrow().nostr().orElseThrow();
            var ev = announcementsOnTheRelay().stream().filter(e -> e.tag(NostrAnnouncements.PUBKEY_TAG).orElse("").equals(hub.key()))
                    .findFirst().orElseThrow();
            assertThat(ev.pubkey()).isEqualTo(nostrKey.publicKeyHex());
            assertThat(ev.tags()).contains(List.of("d", "lobstah-peer"), List.of("t", "lobstah"));
            var inner = SignedAnnouncement.fromJson(NostrAnnouncements.content(ev));
            assertThat(inner.signatureValid()).isTrue();
            assertThat(inner.announcement().url()).isEqualTo(hub.url());
            assertThat(inner.announcement().models()).contains(MODEL);
        }
    }

    @Test
    void aHubsShutdownWithdrawsItFromTheRelayAndTheRouter() throws Exception {
        try (var net = FederatedNetwork.overNostr(relay.uri(), MODEL)) {
            var hub = net.members.getFirst();
            var peers = new PeersFile(net.routerDir.resolve("peers.json"), System::currentTimeMillis);
            await().atMost(DISCOVERY).until(() -> peers.list().stream().map(Peer::pubkey).toList().contains(hub.key()));
            String key = hub.key();
            hub.agent.stop();
            hub.hub.close();
            hub.hub = null;
            // The relay caches a filter's result for a second: ask until it answers afresh.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(announcementsOnTheRelay())
                    .noneMatch(e -> e.tag(NostrAnnouncements.PUBKEY_TAG).orElse("").equals(key)));
            await().atMost(DISCOVERY).until(() -> peers.list().stream().noneMatch(p -> p.pubkey().equals(key)));
        }
    }
}

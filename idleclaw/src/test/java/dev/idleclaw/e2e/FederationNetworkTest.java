package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.testkit.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three hubs announce themselves to a tracker; a router follows the tracker and routes by model, fails over when a
 * hub dies before its first token, keeps away from the dead hub and takes it back once it is healthy again.
 */
@Timeout(120)
class FederationNetworkTest {
    private static final String LLAMA = "llama3.2:3b", QWEN = "qwen3:8b";
    /** Bounded waits: every step here takes well under a second or two when things work. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    private FederatedNetwork net;
    private FederatedNetwork.Member hub1, hub2, hub3;

    @BeforeEach
    void start() throws Exception {
        net = new FederatedNetwork(LLAMA, LLAMA, QWEN);
        hub1 = net.members.get(0);
        hub2 = net.members.get(1);
        hub3 = net.members.get(2);
        // Ready: the router has all three hubs as backends (two for llama, one for qwen).
        await().atMost(WAIT).until(() -> net.router.registry().serving(LLAMA).size() == 2
                && net.router.registry().serving(QWEN).size() == 1);
    }

    @AfterEach
    void stop() {
        if (net != null) net.close();
    }

    private Set<String> keys(JsonNode array, String field) {
        var out = new HashSet<String>();
        for (JsonNode n : array) out.add(field == null ? n.asText() : n.at(field).asText());
        return out;
    }

    private boolean routerUses(String key) {
        return net.router.registry().registered().stream().map(NodeLink::pubkey).anyMatch(key::equals);
    }

    private Peer routerPeer(String key) {
        return net.router.peers().peers().stream().filter(p -> p.pubkey().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void hubsAnnounceThemselvesAndTheRouterRoutesEachModelToAHubServingIt() throws Exception {
        Set<String> hubKeys = Set.of(hub1.key(), hub2.key(), hub3.key());
        JsonNode listed = net.get(net.trackerUri().toString(), "/peers");
        assertThat(listed.path("count").asInt()).isEqualTo(3);
        assertThat(keys(listed.path("peers"), "/announcement/pubkey")).isEqualTo(hubKeys);
        assertThat(keys(listed.path("peers"), "/announcement/url")).containsExactlyInAnyOrder(hub1.url(), hub2.url(), hub3.url());
        await().atMost(WAIT).until(() -> keys(net.get(net.trackerUri().toString(), "/peers").path("peers"), "/announcement/models/0")
                .equals(Set.of(LLAMA, QWEN)));

        assertThat(keys(net.get(net.routerUrl(), "/peers"), "/pubkey")).isEqualTo(hubKeys);
        assertThat(keys(net.get(net.routerUrl(), "/v1/models").path("data"), "/id")).isEqualTo(Set.of(LLAMA, QWEN));

        var qwen = net.chat(QWEN);
        assertThat(qwen.status()).as(qwen.body()).isEqualTo(200);
        assertThat(qwen.content()).isEqualTo("Hello from the stand-in.");
        assertThat(qwen.worker()).as("hub3 vouches for its node's answer").isEqualTo(hub3.key());
        var workers = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            var llama = net.chat(LLAMA);
            assertThat(llama.status()).as(llama.body()).isEqualTo(200);
            workers.add(llama.worker());
        }
        assertThat(workers).allMatch(w -> w.equals(hub1.key()) || w.equals(hub2.key()));
        assertThat(net.router.ledger().totals().receipts()).isEqualTo(5);
        assertThat(net.router.ledger().account(hub3.key()).earned()).isPositive();
        assertThat(hub3.ollama.requests()).isNotEmpty();

        // A dead hub's models leave the router's list once it fails (§12 #11), while the others stay.
        net.kill(hub3);
        await().atMost(WAIT).until(() -> keys(net.get(net.routerUrl(), "/v1/models").path("data"), "/id").equals(Set.of(LLAMA)));
    }

    @Test
    void aHubThatDiesBeforeItsFirstTokenIsFailedOverThenAvoidedThenUsedAgainOnceBack() throws Exception {
        // hub1 would take 4 s per token; hub2 a little, so two simultaneous chats are both in flight together.
        hub1.ollama.behaviour(Behaviour.defaults().withDelayPerToken(Duration.ofSeconds(4)));
        hub2.ollama.behaviour(Behaviour.defaults().withDelayPerToken(Duration.ofMillis(200)));
        hub1.ollama.clear();
        var first = net.chatAsync(LLAMA);
        var second = net.chatAsync(LLAMA);
        assertThat(hub1.ollama.awaitRequest("/api/chat", Duration.ofSeconds(10))).as("one chat reached hub1").isNotNull();
        net.kill(hub1);

        for (var f : List.of(first, second)) {
            var a = f.get(30, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.content()).isEqualTo("Hello from the stand-in.");
            assertThat(a.worker()).as("served (after failover) by hub2").isEqualTo(hub2.key());
        }

        // The dead hub fails its capacity checks twice and is excluded; chats meanwhile go to hub2 only.
        // The router drops it from its list on the refresh after that, so both are awaited together.
        await().atMost(WAIT).until(() -> !net.router.peers().healthy(routerPeer(hub1.key())) && !routerUses(hub1.key()));
        hub2.ollama.behaviour(Behaviour.defaults());
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            var a = net.chat(LLAMA);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.worker()).isEqualTo(hub2.key());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no detour through the dead hub").isLessThan(Duration.ofSeconds(2));
        }

        // Back on the same identity and port: after the cooldown, with a good capacity, the router uses it again.
        hub1.ollama.behaviour(Behaviour.defaults());
        net.start(hub1);
        await().atMost(WAIT).until(() -> routerUses(hub1.key()) && net.router.registry().serving(LLAMA).size() == 2);
        hub2.ollama.behaviour(Behaviour.defaults().withDelayPerToken(Duration.ofMillis(200)));
        hub1.ollama.behaviour(Behaviour.defaults().withDelayPerToken(Duration.ofMillis(200)));
        var served = new HashSet<String>();
        for (int round = 0; round < 5 && !served.contains(hub1.key()); round++) {
            var a = net.chatAsync(LLAMA);
            var b = net.chatAsync(LLAMA);
            for (var f : List.of(a, b)) {
                var answer = f.get(30, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                served.add(answer.worker());
            }
        }
        assertThat(served).contains(hub1.key());
    }

    @Test
    void theTrackerRefusesStaleReplayedFutureAndForgedAnnouncementsAndAClosingHubUnannounces() throws Exception {
        String tracker = net.trackerUri().toString();
        Identity hub3Key = IdentityFile.read(hub3.dir.resolve("identity.json")).orElseThrow();
        assertThat(hub3Key.publicKey()).isEqualTo(hub3.key());
        JsonNode captured = held(tracker, hub3.key());
        long capturedAt = captured.at("/announcement/announcedAt").asLong();
        await().atMost(WAIT).until(() -> held(tracker, hub3.key()).at("/announcement/announcedAt").asLong() > capturedAt);

        var replay = net.post(tracker, "/announce", Json.write(captured));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("\"reason\":\"stale\"");

        long now = System.currentTimeMillis();
        var stale = net.post(tracker, "/announce", Json.write(announcement(hub3Key, hub3Key, now - 301_000).toJson()));
        assertThat(stale.body()).contains("\"reason\":\"stale\"");
        var future = net.post(tracker, "/announce", Json.write(announcement(hub3Key, hub3Key, now + 600_000).toJson()));
        assertThat(future.body()).contains("\"reason\":\"future\"");
        var forged = net.post(tracker, "/announce", Json.write(announcement(hub3Key, Identity.generate(), now).toJson()));
        assertThat(forged.body()).contains("\"reason\":\"bad-signature\"");
        assertThat(held(tracker, hub3.key()).at("/announcement/url").asText()).as("the genuine entry stays").isEqualTo(hub3.url());

        // A graceful close withdraws the announcement at once (no waiting for the TTL).
        hub3.agent.stop();
        hub3.hub.close();
        assertThat(keys(net.get(tracker, "/peers").path("peers"), "/announcement/pubkey")).doesNotContain(hub3.key()).hasSize(2);
    }

    /** {@code who}'s announcement at {@code at} with hub3's URL, signed by {@code signer}. */
    private SignedAnnouncement announcement(Identity who, Identity signer, long at) {
        var a = new Announcement(1, who.publicKey(), hub3.url(), "hub3", List.of(QWEN), null, 300, at);
        if (signer == who) return SignedAnnouncement.sign(a, who);
        var bySomeoneElse = SignedAnnouncement.sign(new Announcement(1, signer.publicKey(), hub3.url(), "hub3", List.of(QWEN), null, 300, at), signer);
        return new SignedAnnouncement(a, bySomeoneElse.signature());
    }

    private JsonNode held(String tracker, String key) throws Exception {
        for (JsonNode n : net.get(tracker, "/peers").path("peers")) {
            if (n.at("/announcement/pubkey").asText().equals(key)) return n;
        }
        throw new AssertionError("tracker does not list " + key);
    }
}

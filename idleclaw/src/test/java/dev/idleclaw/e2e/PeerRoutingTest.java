package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.idleclaw.peer.PeerDirectory.CAPACITY_TTL;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A router (and a hub with peers) routing to Lobstah workers: peers are never evicted as silent nodes, a peer's
 * models are listed exactly while it is healthy, a peer's 4xx reaches the client as it is without failover, and a
 * request tries every healthy peer in turn before it fails.
 */
@Timeout(90)
class PeerRoutingTest {
    private static final String MODEL = "lobstah-model:7b";
    /** Node liveness windows shrunk so a test can wait well past them. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(300), EVICTION_SCAN = Duration.ofMillis(50);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<LobstahPeer> peers = new ArrayList<>();
    private Hub hub;
    private Path dir;

    @AfterEach
    void stop() {
        if (hub != null) hub.close();
        peers.forEach(LobstahPeer::close);
        if (dir != null) FederatedNetwork.delete(dir);
    }

    private LobstahPeer peer() throws Exception {
        var p = new LobstahPeer(MODEL);
        peers.add(p);
        return p;
    }

    private void writePeers(LobstahPeer... list) throws Exception {
        String entries = java.util.Arrays.stream(list)
                .map(p -> "  {\n    \"pubkey\": \"" + p.pubkey() + "\",\n    \"url\": \"" + p.url() + "\"\n  }")
                .collect(Collectors.joining(",\n"));
        Files.writeString(dir.resolve("peers.json"), "[\n" + entries + "\n]\n");
    }

    private Hub start(boolean nodeListener, Duration capacityTtl) throws Exception {
        hub = HubFixture.on(dir, c -> {
            c.nodeListener = nodeListener;
            c.peersFile = dir.resolve("peers.json");
            c.localPeers = true;
            c.chatRpm = 6_000;
            c.maxChatsPerIp = 64;
            c.maxConnectionsPerIp = 100_000;
            c.canaryRate = 0;
            c.drainTimeout = Duration.ofSeconds(1);
            c.heartbeatTimeout = HEARTBEAT_TIMEOUT;
            c.evictionScan = EVICTION_SCAN;
            c.peerCapacityTtl = capacityTtl;
        }).hub;
        return hub;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> openAiChat(boolean stream) throws Exception {
        return post("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}");
    }

    private List<String> listedModels() throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        return StreamSupport.stream(Json.parse(res.body()).path("data").spliterator(), false).map(m -> m.path("id").asText()).toList();
    }

    private void assertServes(String why) throws Exception {
        var res = openAiChat(false);
        assertThat(res.statusCode()).as(why + ": " + res.body()).isEqualTo(200);
        assertThat(Json.parse(res.body()).at("/choices/0/message/content").asText()).isEqualTo(String.join("", LobstahPeer.PIECES));
    }

    @Test
    void aRouterKeepsRoutingToItsPeerWellPastTheNodeHeartbeatWindow() throws Exception {
        dir = Files.createTempDirectory("router-liveness");
        var worker = peer();
        writePeers(worker);
        start(false, CAPACITY_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.catalog().find(MODEL).isPresent());
        assertServes("at once");

        Thread.sleep(HEARTBEAT_TIMEOUT.multipliedBy(6).toMillis());
        assertServes("after six heartbeat windows");
        assertThat(listedModels()).containsExactly(MODEL);
        assertThat(hub.registry().registered()).hasSize(1);
    }

    @Test
    void aHubWithPeersKeepsRoutingToThemWellPastTheNodeHeartbeatWindow() throws Exception {
        dir = Files.createTempDirectory("hub-liveness");
        var worker = peer();
        writePeers(worker);
        start(true, CAPACITY_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.catalog().find(MODEL).isPresent());

        Thread.sleep(HEARTBEAT_TIMEOUT.multipliedBy(6).toMillis());
        assertServes("after six heartbeat windows");
        var health = Json.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.path("node_count").asInt()).isEqualTo(1);
    }

    @Test
    void aPeersModelsAreListedExactlyWhileItIsHealthyAndComeBackWithIt() throws Exception {
        dir = Files.createTempDirectory("router-listing");
        var worker = peer();
        writePeers(worker);
        start(false, Duration.ofMillis(500));
        await().atMost(Duration.ofSeconds(10)).until(() -> listedModels().contains(MODEL));

        worker.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> listedModels().isEmpty());
        assertThat(hub.registry().registered()).isEmpty();
        assertThat(openAiChat(false).statusCode()).isEqualTo(404);

        peers.add(new LobstahPeer(worker));
        await().atMost(Duration.ofSeconds(15)).until(() -> listedModels().contains(MODEL));
        Thread.sleep(HEARTBEAT_TIMEOUT.multipliedBy(6).toMillis());
        assertServes("once the peer is back, and for good");
    }

    @Test
    void aPeersRefusalReachesTheClientWithItsStatusAndBodyWithoutFailoverOrPenalty() throws Exception {
        dir = Files.createTempDirectory("router-refusal");
        var first = peer();
        var second = peer();
        first.refuseCredit = true;
        second.refuseCredit = true;
        writePeers(first, second);
        start(false, CAPACITY_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.registry().registered().size() == 2);

        var openAi = openAiChat(true);
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(402);
        JsonNode error = Json.parse(openAi.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_credit");
        assertThat(error.path("availableTokens").asInt()).isEqualTo(-12);
        assertThat(first.seen.size() + second.seen.size()).as("a 4xx is final: no second peer is asked").isEqualTo(1);

        var ollama = post("/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(ollama.statusCode()).as(ollama.body()).isEqualTo(402);
        assertThat(Json.parse(ollama.body()).path("error").asText()).startsWith("requester has -12 tokens");
        assertThat(first.seen.size() + second.seen.size()).isEqualTo(2);

        var sse = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/chat"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sse.body()).as("IdleClaw's stream is open already: the refusal is in-band")
                .contains("[Error: the upstream server refused the request (402): requester has -12 tokens").endsWith("data: [DONE]\r\n\r\n");
        assertThat(first.seen.size() + second.seen.size()).isEqualTo(3);

        first.refuseCredit = false;
        second.refuseCredit = false;
        for (int i = 0; i < 4; i++) assertServes("refusals cost the peers nothing");
        assertThat(hub.registry().registered()).hasSize(2)
                .allSatisfy(l -> assertThat(hub.scheduler().reputation(l)).isEqualTo(0.5));
    }

    @Test
    void aRequestTriesEveryHealthyPeerInTurnBeforeItFails() throws Exception {
        dir = Files.createTempDirectory("router-failover");
        var live = peer();
        writePeers(live);
        start(false, CAPACITY_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.registry().registered().size() == 1);
        // One upstream failure leaves the live peer a little behind fresh peers in the scheduler's order, so the
        // dead ones below are tried first, deterministically.
        live.failNext.set(1);
        assertThat(openAiChat(false).statusCode()).isEqualTo(502);
        assertServes("the live peer recovers");

        var deadA = peer();
        var deadB = peer();
        writePeers(live, deadA, deadB);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.registry().registered().size() == 3);
        deadA.close();
        deadB.close();

        int before = live.seen.size();
        assertServes("two dead peers, then the live one");
        assertThat(live.seen.size()).isEqualTo(before + 1);
        var streamed = openAiChat(true);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("Lobstah").contains("data: [DONE]");
    }
}

package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Registration, heartbeats, reconnects and shutdown of the node agent. */
class NodeAgentLifecycleTest extends NodeTestSupport {

    private static void assertUuidV4(String id) {
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
    }

    @Test
    void registersEveryLocalModelWithSizeExtrasMaxConcurrentAndOllamaVersion() {
        startAgent(config(3, FAST));
        var reg = hub.frames("register").getFirst().json();
        assertUuidV4(reg.get("node_id").textValue());
        assertThat(reg.get("max_concurrent").intValue()).isEqualTo(3);
        assertThat(reg.get("ollama_version").textValue()).isEqualTo("0.12.6");
        JsonNode models = reg.get("models");
        assertThat(models).hasSize(2);
        var qwen = models.get(0);
        assertThat(qwen.get("name").textValue()).isEqualTo(QWEN);
        assertThat(qwen.get("size").longValue()).isEqualTo(5_225_387_923L);
        assertThat(qwen.get("digest").textValue()).hasSize(64);
        assertThat(qwen.get("modified_at").textValue()).isEqualTo("2025-05-04T17:37:44.706015396-07:00");
        assertThat(qwen.get("details").get("family").textValue()).isEqualTo("llama");
        assertThat(Json.write(qwen.get("capabilities"))).isEqualTo("[\"completion\",\"tools\",\"thinking\"]");
        var llama = models.get(1);
        assertThat(llama.get("name").textValue()).isEqualTo(LLAMA);
        assertThat(llama.has("capabilities")).as("/api/show failed: capabilities unknown").isFalse();
    }

    @Test
    void heartbeatsCarryTheNodeIdActiveRequestsAndAvailability() {
        var agent = startAgent();
        await().atMost(SOON).until(() -> hub.frames("heartbeat").size() >= 2);
        var beat = hub.frames("heartbeat").getFirst().json();
        assertThat(beat.get("node_id").textValue()).isEqualTo(agent.nodeId());
        assertThat(beat.get("active_requests").intValue()).isZero();
        assertThat(beat.get("available").booleanValue()).isTrue();
    }

    @Test
    void onlyTheFirstTwentyModelsAreRegistered() {
        for (int i = 0; i < 23; i++) ollama.model("extra" + i + ":latest", i, List.of());
        startAgent();
        var models = hub.frames("register").getFirst().json().get("models");
        assertThat(models).hasSize(20);
        assertThat(models.get(19).get("name").textValue()).isEqualTo("extra17:latest");
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1012})
    void aServerCloseFrameLeadsToAPromptReconnectWithANewNodeId(int code) {
        // heartbeat at the protocol's 15 s: the reconnect must come from the close frame, not from a failed send
        startAgent(config(2, FAST.withHeartbeat(Duration.ofSeconds(15))));
        String first = hub.frames("register").getFirst().json().get("node_id").textValue();
        long start = System.nanoTime();
        hub.close(code, "bye");
        var second = hub.await(f -> "register".equals(f.type()) && f.connection() == 1, SOON).json();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(second.get("node_id").textValue()).isNotEqualTo(first);
        assertUuidV4(second.get("node_id").textValue());
    }

    @Test
    void aFirstReplyOtherThanRegisteredEndsTheConnectionAndIsRetried() throws Exception {
        hub.registerReply = "{\"type\":\"cancel_request\",\"request_id\":\"x\"}";
        var agent = new NodeAgent(config(2, FAST));
        var run = CompletableFuture.runAsync(() -> runQuietly(agent));
        await().atMost(SOON).until(() -> hub.connectionCount() >= 3);
        assertThat(agent.nodeId()).isNull();
        assertThat(hub.closes()).first().satisfies(c -> assertThat(c.code()).isEqualTo(1008));
        agent.stop();
        run.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aHubMessageOverTheRequestBytesTheNodeAdvertisedDropsTheConnection() {
        startAgent(config(2, FAST).withLimits(new dev.idleclaw.wire.NodeLimits(50, 10_000, 512 * 1024)));
        assertThat(hub.await("register", SOON).json().at("/limits/max_request_bytes").asInt()).isEqualTo(512 * 1024);
        hub.send("{\"type\":\"cancel_request\",\"request_id\":\"" + "x".repeat(512 * 1024) + "\"}");
        var again = hub.await(f -> "register".equals(f.type()) && f.connection() == 1, SOON);
        assertThat(again).isNotNull();
    }

    @Test
    void aRateLimitedUpgradeIsRetriedWithBackoff() throws Exception {
        try (var limited = new RawHub(RawHub.Mode.RATE_LIMITED)) {
            var agent = new NodeAgent(new NodeConfig(URI.create(limited.httpUrl()), URI.create(ollama.baseUrl()), 2, FAST));
            var run = CompletableFuture.runAsync(() -> runQuietly(agent));
            await().atMost(SOON).until(() -> limited.connections() > NodeAgent.PERMANENT_FAILURE_TRIES + 1);
            assertThat(agent.nodeId()).isNull();
            agent.stop();
            run.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerThatIsNotAHubStopsTheAgentAfterAFewTriesWithTheReason() throws Exception {
        try (var notAHub = StandInOllama.start()) {
            var agent = new NodeAgent(new NodeConfig(URI.create(notAHub.baseUrl()), URI.create(ollama.baseUrl()), 2, FAST));
            var failure = CompletableFuture.supplyAsync(() -> {
                try {
                    agent.run();
                    return null;
                } catch (NodeStartupException e) {
                    return e;
                }
            }).get(10, TimeUnit.SECONDS);
            assertThat(failure).isNotNull();
            assertThat(failure.kind()).isEqualTo(NodeStartupException.Kind.HUB);
            assertThat(failure.getMessage()).isEqualTo("cannot connect to ws://127.0.0.1:" + notAHub.port() + "/ws/node: "
                    + "the server answered the WebSocket upgrade with HTTP 404, so it is not an IdleClaw hub; gave up after "
                    + NodeAgent.PERMANENT_FAILURE_TRIES + " tries");
        }
    }

    @Test
    void anUnknownHostStopsTheAgentAfterAFewTries() throws Exception {
        var agent = new NodeAgent(new NodeConfig(URI.create("http://nohost.invalid:8000"), URI.create(ollama.baseUrl()), 2, FAST));
        assertThatThrownBy(agent::run).isInstanceOfSatisfying(NodeStartupException.class, e -> {
            assertThat(e.kind()).isEqualTo(NodeStartupException.Kind.HUB);
            assertThat(e.getMessage()).isEqualTo("cannot connect to ws://nohost.invalid:8000/ws/node: unknown host 'nohost.invalid'; gave up after "
                    + NodeAgent.PERMANENT_FAILURE_TRIES + " tries");
        });
    }

    @Test
    void aHubAnswering503IsRetriedBeyondTheTriesForPermanentErrors() throws Exception {
        try (var down = new RawHub(RawHub.Mode.UNAVAILABLE)) {
            var agent = new NodeAgent(new NodeConfig(URI.create(down.httpUrl()), URI.create(ollama.baseUrl()), 2, FAST));
            var run = CompletableFuture.runAsync(() -> runQuietly(agent));
            await().atMost(SOON).until(() -> down.connections() > NodeAgent.PERMANENT_FAILURE_TRIES + 1);
            assertThat(run).isNotDone();
            agent.stop();
            run.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterOneRegistrationEvenA404IsRetried() throws Exception {
        // The address was right once: a 404 now is a hub being redeployed or a proxy in flux, not a typo.
        try (var moved = new RawHub(RawHub.Mode.GONE_AFTER_FIRST)) {
            var agent = new NodeAgent(new NodeConfig(URI.create(moved.httpUrl()), URI.create(ollama.baseUrl()), 2, FAST));
            var run = CompletableFuture.runAsync(() -> runQuietly(agent));
            await().atMost(SOON).until(() -> moved.connections() > NodeAgent.PERMANENT_FAILURE_TRIES + 1);
            assertThat(run).isNotDone();
            agent.stop();
            run.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHubTurningTheNodeAwayWhileItStopsIsRedialledWithoutWaitingForAChallenge() throws Exception {
        // A node with a key waits for the hub's auth_challenge; a link closed meanwhile must end that wait at once.
        try (var stopping = new RawHub(RawHub.Mode.SHUTTING_DOWN)) {
            var agent = new NodeAgent(new NodeConfig(URI.create(stopping.httpUrl()), URI.create(ollama.baseUrl()), 2, FAST)
                    .withIdentity(dev.idleclaw.identity.Identity.generate()));
            var run = CompletableFuture.runAsync(() -> runQuietly(agent));
            await().atMost(NodeAgent.CHALLENGE_WAIT.minusMillis(500)).until(() -> stopping.connections() >= 3);
            assertThat(agent.nodeId()).isNull();
            agent.stop();
            run.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSilentLinkIsDroppedAfterTheDeadLinkTimeAndRedialled() throws Exception {
        try (var silent = new RawHub(RawHub.Mode.SILENT)) {
            var agent = new NodeAgent(new NodeConfig(URI.create(silent.httpUrl()), URI.create(ollama.baseUrl()), 2,
                    FAST.withDeadLink(Duration.ofMillis(800))));
            var run = CompletableFuture.runAsync(() -> runQuietly(agent));
            await().atMost(SOON).until(() -> silent.connections() >= 2);
            agent.stop();
            run.get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopRefusesNewWorkLetsInFlightRequestsFinishAndClosesWith1000() throws Exception {
        ollama.reply(FakeOllama.tokens(QWEN, many(10)), Duration.ofMillis(100));
        var agent = startAgent();
        hub.sendRequest("slow", chat(QWEN, "hi"));
        await().atMost(SOON).until(() -> !chunks("slow").isEmpty());

        var stopped = CompletableFuture.runAsync(agent::stop);
        hub.await(f -> "heartbeat".equals(f.type()) && !f.json().get("available").booleanValue(), SOON);
        hub.sendRequest("late", chat(QWEN, "hi"));
        assertThat(hub.awaitEnd("late", SOON).get("error").textValue()).isEqualTo("ollama_unavailable");

        stopped.get(10, TimeUnit.SECONDS);
        assertThat(chunks("slow").getLast().get("done").booleanValue()).as("finished, not cut").isTrue();
        await().atMost(SOON).until(() -> !hub.closes().isEmpty());
        assertThat(hub.closes().getFirst().code()).isEqualTo(1000);
        assertThat(hub.closes().getFirst().reason()).isEqualTo("node shutting down");
        Thread.sleep(300);
        assertThat(hub.connectionCount()).as("no reconnect after stop").isEqualTo(1);
    }

    @Test
    void stopCancelsRequestsStillRunningAfterTheDrainTimeout() throws Exception {
        ollama.reply(FakeOllama.tokens(QWEN, many(500)), Duration.ofMillis(20));
        var agent = startAgent(config(2, FAST.withDrain(Duration.ofMillis(300))));
        hub.sendRequest("long", chat(QWEN, "hi"));
        await().atMost(SOON).until(() -> !chunks("long").isEmpty());
        long start = System.nanoTime();
        agent.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        await().atMost(SOON).until(() -> ollama.closedByClient() == 1);
        assertThat(agent.activeRequests()).isZero();
    }

    @Test
    void startupFailsWithAClearMessageWhenOllamaIsDown() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var agent = new NodeAgent(NodeConfig.of(hub.httpUrl(), "127.0.0.1:" + port, 2));
        assertThatThrownBy(agent::run).isInstanceOf(NodeStartupException.class)
                .hasMessageContaining("http://127.0.0.1:" + port).hasMessageContaining("ollama serve");
        assertThat(hub.connectionCount()).isZero();
    }

    @Test
    void startupFailsWithAClearMessageWhenOllamaHasNoModels() {
        try (var empty = FakeOllama.start()) {
            var agent = new NodeAgent(NodeConfig.of(hub.httpUrl(), empty.baseUrl(), 2));
            assertThatThrownBy(agent::prepare).isInstanceOf(NodeStartupException.class)
                    .hasMessageContaining(empty.baseUrl()).hasMessageContaining("ollama pull");
        }
    }

    private static void runQuietly(NodeAgent agent) {
        try {
            agent.run();
        } catch (NodeStartupException e) {
            throw new IllegalStateException(e);
        }
    }
}

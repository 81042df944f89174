package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.testkit.StandInNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HubNodeProtocolTest {
    HubFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = HubFixture.start(c -> c.maxNodesPerIp = 3);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static ObjectNode register(String id) {
        ObjectNode r = Json.object().put("type", "register").put("node_id", id);
        r.putArray("models").addObject().put("name", "m:1").put("size", 5);
        return r;
    }

    @Test
    void registersAndRepliesRegisteredWithTheNodeId() throws Exception {
        try (var node = StandInNode.connect(hub.port())) {
            node.send(register("abc"));
            var reply = node.next();
            assertThat(Json.write(reply)).isEqualTo("{\"type\":\"registered\",\"node_id\":\"abc\"}");
            assertThat(hub.hub.info().health().path("node_count").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not register first   | {"type":"heartbeat","node_id":"x"}                                   | expected register message
            empty node_id        | {"type":"register","node_id":"","models":[{"name":"a","size":1}]}    | invalid node_id
            numeric node_id      | {"type":"register","node_id":5,"models":[{"name":"a","size":1}]}     | invalid node_id
            no models            | {"type":"register","node_id":"x","models":[]}                        | no models provided
            blank model name     | {"type":"register","node_id":"x","models":[{"name":"","size":1}]}    | invalid model name
            bad size             | {"type":"register","node_id":"x","models":[{"name":"a","size":"big"}]} | invalid model size
            bad max_concurrent   | {"type":"register","node_id":"x","models":[{"name":"a"}],"max_concurrent":"lots"} | invalid max_concurrent
            """)
    void refusesBadRegistrationsWithPolicyClose(String why, String message, String reason) throws Exception {
        try (var node = StandInNode.connect(hub.port())) {
            node.send(message);
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1008, reason));
        }
        assertThat(hub.hub.info().health().path("node_count").asInt()).isZero();
    }

    @Test
    void refusesOverlongIdsAndTooManyModels() throws Exception {
        try (var node = StandInNode.connect(hub.port())) {
            node.send(register("x".repeat(65)));
            assertThat(node.awaitClose().reason()).isEqualTo("invalid node_id");
        }
        try (var node = StandInNode.connect(hub.port())) {
            ObjectNode r = Json.object().put("type", "register").put("node_id", "x");
            var models = r.putArray("models");
            for (int i = 0; i < 21; i++) models.addObject().put("name", "m" + i).put("size", 1);
            node.send(r);
            assertThat(node.awaitClose().reason()).isEqualTo("too many models");
        }
        try (var node = StandInNode.connect(hub.port())) {
            ObjectNode r = Json.object().put("type", "register").put("node_id", "x");
            r.putArray("models").addObject().put("name", "m".repeat(65)).put("size", 1);
            node.send(r);
            assertThat(node.awaitClose().reason()).isEqualTo("invalid model name");
        }
    }

    @Test
    void closesSilentConnectionsAtTheRegistrationDeadline() throws Exception {
        hub.close();
        hub = HubFixture.start(c -> c.registrationTimeout = Duration.ofMillis(500));
        try (var node = StandInNode.connect(hub.port())) {
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1008, "registration timeout"));
        }
    }

    @Test
    void closesOnMalformedJsonAndBinaryFrames() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.send("{not json");
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1007, "invalid JSON"));
        }
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.sendBinary(new byte[] {1, 2, 3});
            assertThat(node.awaitClose().code()).isEqualTo(1003);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.registry().registered().isEmpty());
        assertThat(hub.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void closesOnOversizedMessages() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            try {
                node.send("{\"type\":\"heartbeat\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}");
            } catch (java.util.concurrent.CompletionException closedWhileSending) {
                // The hub may close as soon as the frame's header shows its size, before the client finished writing it.
            }
            assertThat(node.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void closesAHeartbeatThatNamesAnotherNode() throws Exception {
        try (var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:1")) {
            b.send(Json.object().put("type", "heartbeat").put("node_id", a.nodeId()).put("active_requests", 9));
            assertThat(b.awaitClose()).isEqualTo(new StandInNode.Close(1008, "heartbeat for another node"));
            assertThat(a.closed()).isNotDone();
        }
    }

    @Test
    void ignoresUnknownMessageTypesAndHeartbeatsWithoutNodeId() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.send("{\"type\":\"telemetry\",\"x\":1}");
            node.send("{\"type\":\"heartbeat\"}");
            node.heartbeat();
            Thread.sleep(200);
            assertThat(node.closed()).isNotDone();
            assertThat(hub.hub.registry().registered()).hasSize(1);
        }
    }

    @Test
    void sameNodeIdFromTheSameAddressReplacesTheOldConnection() throws Exception {
        try (var old = StandInNode.connect(hub.port()).register("same", 2, "m:1"); var fresh = StandInNode.connect(hub.port())) {
            fresh.register("same", 2, "m:2");
            assertThat(old.awaitClose()).isEqualTo(new StandInNode.Close(1000, "re-registered"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(hub.hub.registry().registered()).singleElement().satisfies(l -> assertThat(l.serves("m:2")).isTrue()));
        }
    }

    @Test
    void twoNodesWithTheSameModelsFromOneAddressBothStay() throws Exception {
        try (var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:1")) {
            Thread.sleep(200);
            assertThat(a.closed()).isNotDone();
            assertThat(hub.hub.registry().registered()).hasSize(2);
        }
    }

    @Test
    void refusesMoreNodesFromOneAddressThanTheCap() throws Exception {
        try (var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:1");
             var c = StandInNode.registered(hub.port(), 2, "m:1"); var d = StandInNode.connect(hub.port())) {
            d.send(register("fourth"));
            assertThat(d.awaitClose()).isEqualTo(new StandInNode.Close(1008, "too many nodes from this IP"));
        }
    }

    @Test
    void clampsMaxConcurrentToTen() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 500, "m:1")) {
            assertThat(hub.hub.registry().registered().getFirst().registration().maxConcurrent()).isEqualTo(10);
        }
    }

    @Test
    void ignoresChunksForRequestsTheNodeDoesNotOwn() throws Exception {
        try (var owner = StandInNode.registered(hub.port(), 1, "m:1"); var intruder = StandInNode.registered(hub.port(), 1, "other:1")) {
            owner.onRequest(req -> {
                String id = req.path("request_id").asText();
                intruder.content(id, "INJECTED");
                intruder.done(id);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                owner.content(id, "genuine");
                owner.done(id);
            });
            Sse sse = Sse.parse(hub.chat(HubFixture.ask("m:1", "hi")).body());
            assertThat(sse.content()).isEqualTo("genuine");
            assertThat(intruder.closed()).isNotDone();
            assertThat(hub.hub.stats().strayMessages()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void evictsNodesThatStopHeartbeating() throws Exception {
        hub.close();
        hub = HubFixture.start(c -> {
            c.heartbeatTimeout = Duration.ofMillis(600);
            c.evictionScan = Duration.ofMillis(200);
        });
        try (var silent = StandInNode.registered(hub.port(), 2, "m:1"); var alive = StandInNode.registered(hub.port(), 2, "m:1")) {
            var beat = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    alive.heartbeat();
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            assertThat(silent.awaitClose()).isEqualTo(new StandInNode.Close(1000, "heartbeat timeout"));
            assertThat(alive.closed()).isNotDone();
            beat.interrupt();
        }
    }

    @Test
    void pingsNodesAndClosesThoseThatNeverAnswer() throws Exception {
        hub.close();
        hub = HubFixture.start(c -> {
            c.pingInterval = Duration.ofMillis(200);
            c.pongTimeout = Duration.ofMillis(300);
        });
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            // The JDK client answers pings automatically, so the link stays up well past ping + pong timeouts: the
            // hub did ping (seven times; a link that answered is pinged again once silent for a ping interval, so
            // every other 200 ms round, ~2.8 s) and did see the pongs, since the node sends nothing else.
            NodeLink link = hub.hub.registry().registered().getFirst();
            long seen = link.lastSeenNanos();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.pings() >= 7);
            assertThat(link.lastSeenNanos()).isGreaterThan(seen);
            assertThat(node.closed()).isNotDone();
        }
    }

    @Test
    void removesTheNodeAndListsNothingAfterItDisconnects() throws Exception {
        var node = StandInNode.registered(hub.port(), 2, "m:1");
        node.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.registry().registered().isEmpty());
        assertThat(hub.hub.info().models().path("models")).isEmpty();
        assertThat(List.of(hub.get("/api/models").body())).containsExactly("{\"models\":[],\"capabilities\":{}}");
    }
}

package dev.idleclaw.server;

import static dev.idleclaw.server.HubTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /api/stats} and {@code /api/stats/stream}: the public dashboard feed, against a real hub and nodes. */
class StatsFeedTest {
    /** A change shows in the feed within a tick or two; this allows a busy machine its slack. */
    private static final Duration WITHIN = StatsFeed.TICK.multipliedBy(4);

    @Test
    void snapshotShowsNodesModelsAndSlotsButNothingPrivate() throws Exception {
        try (var hub = HubFixture.start(); var a = StandInNode.registered(hub.port(), 2, "llama3.2:3b", "qwen3:8b");
             var b = StandInNode.registered(hub.port(), 3, "llama3.2:3b")) {
            JsonNode s = awaitSnapshot(hub, n -> n.path("nodes").path("online").asInt() == 2);
            assertThat(s.path("nodes").path("slots").asInt()).isEqualTo(5);
            assertThat(s.path("nodes").path("free_slots").asInt()).isEqualTo(5);
            JsonNode first = s.path("models").get(0);
            assertThat(first.path("name").asText()).isEqualTo("llama3.2:3b");
            assertThat(first.path("node_count").asInt()).isEqualTo(2);
            assertThat(first.path("free_slots").asInt()).isEqualTo(5);
            assertThat(s.path("models").get(1).path("thinking").asBoolean()).isTrue();
            assertThat(s.path("requests").path("in_flight").asInt()).isZero();
            assertThat(s.path("history").path("t").size()).isGreaterThan(0);
            assertThat(s.path("history").path("nodes").size()).isEqualTo(s.path("history").path("t").size());
            assertThat(s.path("ledger").path("receipts").asLong()).isZero();
            assertThat(s.has("peers")).as("no peers file, no peers section").isFalse();
            String body = hub.get("/api/stats").body();
            assertThat(body).doesNotContain(a.nodeId()).doesNotContain(b.nodeId()).doesNotContain("127.0.0.1")
                    .doesNotContain("lob1").doesNotContain("\"ip\"").doesNotContain("node_id");
        }
    }

    @Test
    void requestsAreCountedByDoorAndOutcomeWithTokensAndFirstTokenTimes() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("a", "b", "c"))) {
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(200);
            assertThat(HubMetricsTest.openAi(hub, "m:1").statusCode()).isEqualTo(200);
            assertThat(hub.chat(HubFixture.ask("absent:1", "hi")).statusCode()).isEqualTo(503);
            JsonNode s = awaitSnapshot(hub, n -> n.path("requests").path("by_door").path("openai").path("done").asInt() == 1);
            var byDoor = s.path("requests").path("by_door");
            assertThat(byDoor.path("idleclaw").path("done").asInt()).isEqualTo(1);
            assertThat(byDoor.path("idleclaw").path("rejected").asInt()).isEqualTo(1);
            assertThat(s.path("requests").path("tokens_relayed").asLong()).isEqualTo(6);
            assertThat(s.path("ttft_ms").path("p50").isNumber()).isTrue();
            assertThat(s.path("ttft_ms").path("p99").asDouble()).isGreaterThanOrEqualTo(s.path("ttft_ms").path("p50").asDouble());
            long served = 0, errors = 0;
            for (JsonNode n : s.path("history").path("requests")) served += n.asLong();
            for (JsonNode n : s.path("history").path("errors")) errors += n.asLong();
            assertThat(served).isEqualTo(3);
            assertThat(errors).isEqualTo(1);
        }
    }

    @Test
    void streamStartsWithASnapshotAndTicksShowANodeJoiningAndLeaving() throws Exception {
        try (var hub = HubFixture.start(); var first = StandInNode.registered(hub.port(), 2, "m:1")) {
            var req = HttpRequest.newBuilder(URI.create(hub.url("/api/stats/stream"))).build();
            var res = hub.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            BlockingQueue<String[]> events = new ArrayBlockingQueue<>(1000);
            Thread.ofVirtual().start(() -> readEvents(res, events));
            String[] opening = events.poll(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(opening).isNotNull();
            assertThat(opening[0]).isEqualTo("snapshot");
            assertThat(Json.parse(opening[1]).has("history")).isTrue();

            var second = StandInNode.registered(hub.port(), 1, "m:1");
            JsonNode tick = awaitTick(events, n -> n.path("nodes").path("online").asInt() == 2);
            assertThat(tick.has("history")).as("ticks carry the new point, not the history").isFalse();
            assertThat(tick.path("point").path("nodes").asInt()).isEqualTo(2);
            second.close();
            awaitTick(events, n -> n.path("nodes").path("online").asInt() == 1);
            res.body().close();
        }
    }

    @Test
    void peersShowTheirLabelHostAndHealthButNotTheirKeys() throws Exception {
        var peer = dev.idleclaw.identity.Identity.generate();
        var peers = java.nio.file.Files.createTempDirectory("peers").resolve("peers.json");
        // Port 9 (discard) answers nothing: the peer's capacity fails and it turns unhealthy.
        java.nio.file.Files.writeString(peers, "[{\"pubkey\":\"" + peer.publicKey() + "\",\"url\":\"http://127.0.0.1:9\",\"label\":\"eu-hub\"}]\n");
        try (var hub = HubFixture.start(c -> {
            c.peersFile = peers;
            c.localPeers = true;
        })) {
            JsonNode s = awaitSnapshot(hub, n -> n.path("peers").size() == 1 && !n.path("peers").get(0).path("healthy").asBoolean());
            JsonNode p = s.path("peers").get(0);
            assertThat(p.path("label").asText()).isEqualTo("eu-hub");
            assertThat(p.path("host").asText()).isEqualTo("127.0.0.1");
            assertThat(s.path("nodes").path("online").asInt()).as("a peer is not a node").isZero();
            assertThat(hub.get("/api/stats").body()).doesNotContain(peer.publicKey()).doesNotContain("\"url\"");
        }
    }

    @Test
    void everyViewerInATickGetsTheSameEncodedBytes() throws Exception {
        try (var hub = HubFixture.start()) {
            var feed = hub.hub.statsFeed();
            feed.tick();
            String a = hub.get("/api/stats").body(), b = hub.get("/api/stats").body();
            assertThat(a).isEqualTo(b);
            assertThat(Json.parse(a).path("tick_seconds").asInt()).isEqualTo((int) StatsFeed.TICK.toSeconds());
        }
    }

    private static void readEvents(HttpResponse<java.io.InputStream> res, BlockingQueue<String[]> events) {
        try (var in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String line, event = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ")) events.offer(new String[] {event, line.substring(6)});
            }
        } catch (Exception closed) {
            // the test closed the stream
        }
    }

    private static JsonNode awaitTick(BlockingQueue<String[]> events, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            String[] e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) continue;
            assertThat(e[0]).isEqualTo("tick");
            JsonNode n = Json.parse(e[1]);
            if (until.test(n)) return n;
        }
        throw new AssertionError("no tick matched within " + WITHIN);
    }

    static JsonNode awaitSnapshot(HubFixture hub, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            var res = hub.get("/api/stats");
            assertThat(res.statusCode()).isEqualTo(200);
            last = json(res);
            if (until.test(last)) return last;
            Thread.sleep(200);
        }
        throw new AssertionError("no snapshot matched within " + WITHIN + "; last: " + last);
    }
}

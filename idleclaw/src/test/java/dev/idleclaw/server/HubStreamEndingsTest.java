package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.assertHealthy;
import static dev.idleclaw.server.HubTestSupport.async;
import static dev.idleclaw.server.HubTestSupport.prompt;
import static dev.idleclaw.server.HubTestSupport.trickle;
import static dev.idleclaw.server.HubTestSupport.watchCancels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.testkit.StandInNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HubStreamEndingsTest {

    /** Reads what the stalled consumer was sent: content, then the overflow error delta and [DONE]. */
    private static void assertOverflowEnding(java.net.http.HttpResponse<java.io.InputStream> stalled) throws Exception {
        Sse sse = Sse.parse(new String(stalled.body().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(sse.endsWithDone()).isTrue();
        assertThat(sse.content()).endsWith("\n\n[Error: response buffer overflow: the client is reading too slowly]");
    }

    @Test
    void contentBeyondTheLimitEndsTheAnswerWithOnlyDoneAndCancelsTheNode() throws Exception {
        try (var hub = HubFixture.start(c -> c.maxResponseChars = 10);
             var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("12345", "67890", "X", "more"))) {
            var res = hub.chat(ask("m:1", "count"));
            Sse sse = Sse.parse(res.body());
            assertThat(sse.content()).isEqualTo("1234567890");
            assertThat(sse.data()).hasSize(3).last().isEqualTo("[DONE]");
            String id = node.nextOfType("inference_request").path("request_id").asText();
            assertThat(node.nextOfType("cancel_request").path("request_id").asText()).isEqualTo(id);
            assertHealthy(hub, 1);
            assertThat(hub.hub.stats().errorsTotal()).isZero();
        }
    }

    @Test
    void theWholeAnswerTimeoutEndsWithOnlyDoneAndCancels() throws Exception {
        try (var hub = HubFixture.start(c -> c.responseTimeout = Duration.ofMillis(800)); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var cancelled = watchCancels(node);
            var requestId = new java.util.concurrent.CompletableFuture<String>();
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                requestId.complete(id);
                trickle(node, id, cancelled, "t", 100, 50);
            });
            long start = System.nanoTime();
            Sse sse = Sse.parse(hub.chat(ask("m:1", "long story")).body());
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMs).isBetween(700L, 3000L);
            assertThat(sse.content()).matches("t{3,12}");
            assertThat(sse.data().getLast()).isEqualTo("[DONE]");
            String id = requestId.get(1, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(3)).until(() -> cancelled.containsKey(id));
            assertThat(hub.hub.stats().errorsTotal()).isZero();
            assertHealthy(hub, 1);
        }
    }

    @Test
    void aConsumerThatGoesAwayMidStreamGetsItsRequestCancelled() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var cancelled = watchCancels(node);
            var requestId = new java.util.concurrent.CompletableFuture<String>();
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                requestId.complete(id);
                trickle(node, id, cancelled, "word ", 50, 200);
            });
            var res = hub.chatStream(ask("m:1", "talk"));
            var reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).startsWith("data: {");
            reader.close();
            long closedAt = System.nanoTime();
            String id = requestId.get(1, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(3)).until(() -> cancelled.containsKey(id));
            assertThat((System.nanoTime() - closedAt) / 1_000_000).isLessThan(3000);
            await().atMost(Duration.ofSeconds(3)).until(() -> hub.hub.stats().active() == 0);
            node.serving(List.of("again"));
            assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("again");
        }
    }

    @Test
    void theOutboundFilterWorksAcrossChunksOnContentAndReasoning() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "qwen3:8b")) {
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                for (String t : List.of("<scr", "ipt>x ", "so java")) node.thinking(id, t);
                for (String c : List.of("java", "script:alert", " data:te", "xt/html ok ", "<tool_", "call>{\"name\":",
                        "\"web_search\"}</tool", "_call>", "<SCRIPT>", "end <scr")) node.content(id, c);
                node.done(id);
            });
            Sse sse = Sse.parse(hub.chat("{\"model\":\"qwen3:8b\",\"think\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
            assertThat(sse.reasoning()).isEqualTo("[content filtered]x so java");
            assertThat(sse.content()).isEqualTo("[content filtered]alert [content filtered] ok [content filtered]end <scr");
            assertThat(String.join("\n", sse.data())).doesNotContainIgnoringCase("tool_call").doesNotContain("web_search")
                    .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("javascript:");
            assertThat(sse.endsWithDone()).isTrue();
        }
    }

    @Test
    void aConsumerThatNeverReadsEndsOnlyItsOwnRequest() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.relayBufferChunks = 4;
            c.maxResponseChars = 100_000_000;
        }); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var cancelled = watchCancels(node);
            var floodId = new java.util.concurrent.CompletableFuture<String>();
            var flooded = new CountDownLatch(1);
            String big = "y".repeat(60_000);
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                if (prompt(req).equals("flood")) {
                    floodId.complete(id);
                    for (int i = 0; i < 200 && !cancelled.containsKey(id); i++) node.content(id, big);
                    flooded.countDown();
                } else {
                    node.content(id, "fine");
                    node.done(id);
                }
            });
            var stalled = hub.chatStream(ask("m:1", "flood")); // never read
            String id = floodId.get(5, TimeUnit.SECONDS);
            assertThat(flooded.await(20, TimeUnit.SECONDS)).isTrue();
            // The node link keeps working for the other request meanwhile.
            Sse other = Sse.parse(hub.chat(ask("m:1", "normal")).body());
            assertThat(other.content()).isEqualTo("fine");
            assertThat(other.endsWithDone()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.containsKey(id));
            assertOverflowEnding(stalled);
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.stats().active() == 0);
            // A slow consumer is not the node's fault: its reputation is untouched.
            assertThat(hub.hub.scheduler().reputation(HubTestSupport.link(hub, node))).isEqualTo(0.5);
            assertHealthy(hub, 1);
        }
    }

    @Test
    void aStalledConsumerIsCancelledEvenWhileTheHubIsBlockedWritingToIt() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.relayBufferChunks = 4;
            c.maxResponseChars = 500_000_000;
        }); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var cancelled = watchCancels(node);
            var floodId = new java.util.concurrent.CompletableFuture<String>();
            String big = "z".repeat(60_000);
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                if (prompt(req).equals("flood")) {
                    floodId.complete(id);
                    // Paced so the hub keeps up until the socket buffers are full and its write blocks.
                    trickle(node, id, cancelled, big, 2, 2_000);
                } else {
                    node.content(id, "fine");
                    node.done(id);
                }
            });
            var stalled = hub.chatStream(ask("m:1", "flood")); // never read
            String id = floodId.get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(8)).until(() -> cancelled.containsKey(id));
            assertThat(Sse.parse(hub.chat(ask("m:1", "normal")).body()).content()).isEqualTo("fine");
            assertOverflowEnding(stalled);
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.stats().active() == 0);
            // A slow consumer is not the node's fault: its reputation is untouched.
            assertThat(hub.hub.scheduler().reputation(HubTestSupport.link(hub, node))).isEqualTo(0.5);
            assertHealthy(hub, 1);
        }
    }

    @Test
    void aStalledConsumerGivesBackTheNodesOnlySlotAsSoonAsItsBufferOverflows() throws Exception {
        try (var hub = HubFixture.start(c -> {
            // Overflows only once the hub's socket write has really blocked: 512 chunks of 8,000 characters are megabytes,
            // more than the socket buffers hold, even when a loaded machine leaves the consumer thread unscheduled for a while.
            c.relayBufferChunks = 512;
            c.maxResponseChars = 500_000_000;
        }); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var cancelled = watchCancels(node);
            var floodId = new java.util.concurrent.CompletableFuture<String>();
            String big = "w".repeat(8_000);
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                if (prompt(req).equals("flood")) {
                    floodId.complete(id);
                    trickle(node, id, cancelled, big, 1, 20_000);
                } else {
                    node.content(id, "fine");
                    node.done(id);
                }
            });
            // A raw client with a tiny receive buffer that never reads: the hub's write really blocks.
            try (var stalled = new java.net.Socket()) {
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new java.net.InetSocketAddress("127.0.0.1", hub.port()));
                String body = ask("m:1", "flood");
                stalled.getOutputStream().write(("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                String id = floodId.get(5, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(8)).until(() -> cancelled.containsKey(id));
                // The stalled consumer's thread is still blocked writing, yet the single slot is free again.
                assertThat(hub.hub.stats().active()).isEqualTo(1);
                assertThat(Sse.parse(hub.chat(ask("m:1", "normal")).body()).content()).isEqualTo("fine");
            }
        }
    }

    @Test
    void shutdownStopsWaitingAtTheDrainTimeoutAndClosesNodes() throws Exception {
        var hub = HubFixture.start(c -> c.drainTimeout = Duration.ofMillis(500));
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.onRequest(req -> node.content(req.path("request_id").asText(), "never ends"));
            var res = hub.chatStream(ask("m:1", "x"));
            var reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).startsWith("data: {");
            long start = System.nanoTime();
            hub.hub.close();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(450L, 2500L);
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1001, "server shutting down"));
            // The cut-off answer still ends properly: the disconnect error, then [DONE].
            var rest = new StringBuilder();
            for (String line; (line = reader.readLine()) != null; ) if (!line.isEmpty()) rest.append(line).append("\r\n\r\n");
            Sse sse = Sse.parse(rest.toString());
            assertThat(sse.content()).isEqualTo("\n\n[Error: Node " + node.nodeId() + " disconnected]");
            assertThat(sse.endsWithDone()).isTrue();
        } finally {
            hub.close();
        }
    }

    @Test
    void shutdownLetsAnAnswerInFlightFinishRefusesNewChatsReportsDrainingThenClosesNodes() throws Exception {
        var hub = HubFixture.start(c -> c.drainTimeout = Duration.ofSeconds(3));
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var release = new CountDownLatch(1);
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                node.content(id, "almost ");
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                node.content(id, "done");
                node.done(id);
            });
            var inFlight = async(() -> hub.chat(ask("m:1", "x")));
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.stats().active() == 1);
            long start = System.nanoTime();
            var closing = async(() -> {
                hub.hub.close();
                return (System.nanoTime() - start) / 1_000_000;
            });
            await().atMost(Duration.ofSeconds(2)).until(hub.hub::draining);
            var refused = hub.chat(ask("m:1", "late"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"No nodes available with model m:1\"}");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("5");
            // A load balancer's health check sees the drain and sends new clients to another hub.
            var health = hub.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(HubTestSupport.json(health).path("status").asText()).isEqualTo("draining");
            assertThat(node.closed()).isNotDone();
            release.countDown();
            Sse sse = Sse.parse(inFlight.get(5, TimeUnit.SECONDS).body());
            assertThat(sse.content()).isEqualTo("almost done");
            assertThat(sse.endsWithDone()).isTrue();
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1001, "server shutting down"));
            // A node dialling in while the hub stops is turned away the same way, not registered on a hub about to vanish
            // (it then reconnects to a hub that is up; registered here, it sat on a dead link until its own timeout).
            var late = StandInNode.connect(hub.port());
            assertThat(late.awaitClose()).isEqualTo(new StandInNode.Close(1001, "server shutting down"));
            assertThat(closing.get(5, TimeUnit.SECONDS)).isLessThan(2900);
        } finally {
            hub.close();
        }
    }
}

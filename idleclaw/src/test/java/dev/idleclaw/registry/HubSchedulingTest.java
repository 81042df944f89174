package dev.idleclaw.registry;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.assertHealthy;
import static dev.idleclaw.server.HubTestSupport.async;
import static dev.idleclaw.server.HubTestSupport.json;
import static dev.idleclaw.server.HubTestSupport.link;
import static dev.idleclaw.server.HubTestSupport.prompt;
import static dev.idleclaw.server.HubTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.server.Sse;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HubSchedulingTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);

    /** A node with max_concurrent 1 that holds requests whose prompt is "hold" until released, and echoes the rest. */
    private static List<String> echoHolding(StandInNode node, CountDownLatch release) {
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        node.onRequest(req -> {
            String id = req.path("request_id").asText(), p = prompt(req);
            served.add(p);
            if (p.equals("hold")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            node.content(id, p);
            node.done(id);
        });
        return served;
    }

    @Test
    void waitingChatsAreServedInArrivalOrderWhenTheBusyNodeFrees() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = Duration.ofSeconds(8)); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var release = new CountDownLatch(1);
            List<String> served = echoHolding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> served.contains("hold"));
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (String p : List.of("a", "b", "c")) {
                waiting.add(async(() -> hub.chat(ask("m:1", p))));
                int expected = waiting.size();
                await().atMost(AWAIT).until(() -> hub.hub.scheduler().waiting() == expected);
            }
            assertThat(served).containsExactly("hold");
            release.countDown();
            assertThat(Sse.parse(first.get(5, TimeUnit.SECONDS).body()).content()).isEqualTo("hold");
            for (int i = 0; i < 3; i++) {
                assertThat(Sse.parse(waiting.get(i).get(5, TimeUnit.SECONDS).body()).content()).isEqualTo(List.of("a", "b", "c").get(i));
            }
            assertThat(served).containsExactly("hold", "a", "b", "c");
            assertThat(hub.hub.scheduler().waiting()).isZero();
        }
    }

    /** Headers that sign {@code body} for {@code /api/chat} on this hub as {@code who}. */
    private static String[] signed(HubFixture hub, dev.idleclaw.identity.Identity who, String body) {
        var uri = java.net.URI.create(hub.url("/api/chat"));
        var h = dev.idleclaw.auth.RequestSignature.sign(who, "POST", "/api/chat", dev.idleclaw.auth.RequestSignature.hostHeader(uri),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), System.currentTimeMillis());
        return h.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }

    @Test
    void callersWithCreditAreServedBeforeAnonymousOnesThatWaitedLonger() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = Duration.ofSeconds(8)); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var release = new CountDownLatch(1);
            List<String> served = echoHolding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> served.contains("hold"));
            var anonymous = async(() -> hub.chat(ask("m:1", "anon")));
            await().atMost(AWAIT).until(() -> hub.hub.scheduler().waiting() == 1);
            String body = ask("m:1", "paid");
            String[] headers = signed(hub, dev.idleclaw.identity.Identity.generate(), body);
            var paying = async(() -> hub.chat(body, headers));
            await().atMost(AWAIT).until(() -> hub.hub.scheduler().waiting(true) == 1);
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            assertThat(paying.get(5, TimeUnit.SECONDS).headers().firstValue("X-IdleClaw-Queue-Position")).contains("1");
            assertThat(anonymous.get(5, TimeUnit.SECONDS).headers().firstValue("X-IdleClaw-Queue-Position")).contains("1");
            assertThat(served).containsExactly("hold", "paid", "anon");
        }
    }

    @Test
    void callersWithCreditAreNotHeldToTheAnonymousRateLimit() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 2); var node = StandInNode.registered(hub.port(), 4, "m:1")) {
            echoHolding(node, new CountDownLatch(0));
            assertThat(hub.chat(ask("m:1", "a")).statusCode()).isEqualTo(200);
            assertThat(hub.chat(ask("m:1", "b")).statusCode()).isEqualTo(200);
            assertThat(hub.chat(ask("m:1", "c")).statusCode()).isEqualTo(429);
            var payer = dev.idleclaw.identity.Identity.generate();
            for (String p : List.of("d", "e", "f")) {
                String body = ask("m:1", p);
                assertThat(hub.chat(body, signed(hub, payer, body)).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aChatThatWaitsPastTheQueueTimeoutGets503WithRetryAfter() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = Duration.ofMillis(500)); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var release = new CountDownLatch(1);
            List<String> served = echoHolding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> served.contains("hold"));
            long start = System.nanoTime();
            var late = hub.chat(ask("m:1", "late"));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.body()).isEqualTo("{\"detail\":\"No nodes available with model m:1\"}");
            assertThat(late.headers().firstValue("retry-after")).hasValue("1");
            assertThat(waitedMs).isBetween(450L, 3000L);
            assertThat(hub.hub.scheduler().waiting()).isZero();
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(served).containsExactly("hold");
            assertThat(Sse.parse(hub.chat(ask("m:1", "after")).body()).content()).isEqualTo("after");
        }
    }

    @Test
    void aZeroSizedQueueRefusesAtOnce() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueCapacity = 0); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var release = new CountDownLatch(1);
            List<String> served = echoHolding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> served.contains("hold"));
            long start = System.nanoTime();
            var refused = hub.chat(ask("m:1", "x"));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"No nodes available with model m:1\"}");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("2");
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void idleNodesShareTheLoadAndABusyNodeLosesToAnIdleOne() throws Exception {
        try (var hub = HubFixture.start(); var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:1")) {
            var release = new CountDownLatch(1);
            List<String> onA = echoHolding(a, release), onB = echoHolding(b, release);
            for (int i = 0; i < 24; i++) assertThat(Sse.parse(hub.chat(ask("m:1", "q" + i)).body()).content()).isEqualTo("q" + i);
            // Equal scores are broken at random: 24 chats all on one node has probability 2^-23.
            assertThat(onA).isNotEmpty();
            assertThat(onB).isNotEmpty();
            assertThat(onA.size() + onB.size()).isEqualTo(24);

            onA.clear();
            onB.clear();
            var held = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> onA.contains("hold") || onB.contains("hold"));
            List<String> busy = onA.contains("hold") ? onA : onB, idle = busy == onA ? onB : onA;
            // Busy node: 0.5·(1 − 1/2) + 0.3·0.5 + 0.2 = 0.6 < idle node 0.85.
            for (int i = 0; i < 5; i++) assertThat(Sse.parse(hub.chat(ask("m:1", "n" + i)).body()).content()).isEqualTo("n" + i);
            assertThat(busy).containsExactly("hold");
            assertThat(idle).containsExactly("n0", "n1", "n2", "n3", "n4");
            release.countDown();
            assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFailingNodeLosesReputationAndBelowTheThresholdIsNeitherRoutedToNorListed() throws Exception {
        try (var hub = HubFixture.start(); var bad = StandInNode.registered(hub.port(), 2, "m:1")) {
            AtomicInteger badRequests = new AtomicInteger();
            bad.onRequest(req -> {
                badRequests.incrementAndGet();
                bad.error(req.path("request_id").asText(), "ollama_error");
            });
            NodeLink badLink = link(hub, bad);
            for (int i = 1; i <= 7; i++) {
                assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("\n\n[Error: the model failed while answering]");
                assertThat(hub.hub.scheduler().reputation(badLink)).isCloseTo(0.5 - 0.05 * i, org.assertj.core.data.Offset.offset(1e-9));
            }
            // Seven failures: 0.15, below --suspend-below 0.2, so never chosen again (six leave it at 0.2, still routable).
            assertThat(hub.hub.scheduler().suspended(badLink)).isTrue();
            var refused = hub.chat(ask("m:1", "x"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"No nodes available with model m:1\"}");
            assertThat(badRequests).hasValue(7);
            // No node would take a request for m:1, so no listing claims it is served.
            assertThat(json(hub.get("/api/models")).path("models").toString()).isEqualTo("[]");
            assertThat(json(hub.get("/api/tags")).path("models").toString()).isEqualTo("[]");
            assertThat(json(hub.get("/v1/models")).path("data").toString()).isEqualTo("[]");
            assertThat(json(hub.get("/health")).path("node_count").asInt()).isZero();
            assertThat(json(hub.get("/metrics")).path("requests_errors_total").asInt()).isEqualTo(7);

            try (var good = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
                assertThat(json(hub.get("/api/models")).path("models").toString()).isEqualTo("[\"m:1\"]");
                assertThat(json(hub.get("/health")).path("node_count").asInt()).isEqualTo(1);
                for (int i = 0; i < 5; i++) assertThat(Sse.parse(hub.chat(ask("m:1", "y")).body()).content()).isEqualTo("ok");
                assertThat(badRequests).hasValue(7);
            }
        }
    }

    @Test
    void aNodeThatSaysItIsUnavailableIsNotListedUntilItIsAvailableAgain() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            assertThat(json(hub.get("/api/models")).path("models").toString()).isEqualTo("[\"m:1\"]");
            node.send(dev.idleclaw.json.Json.object().put("type", "heartbeat").put("node_id", node.nodeId()).put("available", false));
            await().atMost(AWAIT).untilAsserted(() -> {
                assertThat(json(hub.get("/api/tags")).path("models").toString()).isEqualTo("[]");
                assertThat(json(hub.get("/health")).path("node_count").asInt()).isZero();
            });
            node.heartbeat();
            await().atMost(AWAIT).untilAsserted(() ->
                    assertThat(json(hub.get("/api/models")).path("models").toString()).isEqualTo("[\"m:1\"]"));
        }
    }

    @Test
    void aNodeThatFailedOnceLosesTiesToAHealthyOne() throws Exception {
        try (var hub = HubFixture.start(); var bad = StandInNode.registered(hub.port(), 2, "m:1");
             var good = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
            AtomicInteger badRequests = new AtomicInteger();
            bad.onRequest(req -> {
                badRequests.incrementAndGet();
                bad.error(req.path("request_id").asText(), "ollama_unavailable");
            });
            // Until the tie is first broken toward the bad node; its failure then fails over to the good one.
            for (int i = 0; i < 40 && badRequests.get() == 0; i++) {
                assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("ok");
            }
            assertThat(badRequests).hasValue(1);
            assertThat(hub.hub.scheduler().reputation(link(hub, bad))).isEqualTo(0.45);
            for (int i = 0; i < 10; i++) assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("ok");
            assertThat(badRequests).hasValue(1);
            assertThat(json(hub.get("/metrics")).path("requests_errors_total").asInt()).isZero();
        }
    }

    @Test
    void aRequestTriesEveryNodeInTurnBeforeTheFirstTokenAndFailsOnlyWhenNoneIsLeft() throws Exception {
        try (var hub = HubFixture.start(); var good = StandInNode.registered(hub.port(), 2, "m:1")) {
            AtomicInteger goodRequests = new AtomicInteger();
            good.onRequest(req -> {
                String id = req.path("request_id").asText();
                if (goodRequests.incrementAndGet() == 1) {
                    good.error(id, "ollama_unavailable");
                    return;
                }
                good.content(id, "ok");
                good.done(id);
            });
            // One failure leaves the good node just behind fresh ones, so the failing nodes below are tried first.
            assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("\n\n[Error: the node's model server is unavailable]");
            try (var bad1 = StandInNode.registered(hub.port(), 2, "m:1"); var bad2 = StandInNode.registered(hub.port(), 2, "m:1")) {
                AtomicInteger badRequests = new AtomicInteger();
                for (StandInNode bad : List.of(bad1, bad2)) {
                    bad.onRequest(req -> {
                        badRequests.incrementAndGet();
                        bad.error(req.path("request_id").asText(), "ollama_unavailable");
                    });
                }
                assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("ok");
                assertThat(badRequests).as("both failing nodes were tried first").hasValue(2);
                assertThat(goodRequests).hasValue(2);

                good.onRequest(req -> good.error(req.path("request_id").asText(), "ollama_unavailable"));
                assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("\n\n[Error: the node's model server is unavailable]");
                assertThat(badRequests).as("each candidate once, then the error").hasValue(4);
            }
        }
    }

    @Test
    void theSlotIsReleasedAfterEveryKindOfEnding() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.chunkTimeout = Duration.ofMillis(400);
            c.responseTimeout = Duration.ofMillis(1200);
            c.maxResponseChars = 20;
            c.queueTimeout = Duration.ofMillis(1500);
        }); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                switch (prompt(req)) {
                    case "error" -> node.error(id, "ollama_error");
                    case "silent" -> {}
                    case "limit" -> node.content(id, "x".repeat(25));
                    case "slow", "gone" -> {
                        for (int i = 0; i < 40 && node.received().stream().noneMatch(m -> id.equals(m.path("request_id").asText())
                                && "cancel_request".equals(m.path("type").asText())); i++) {
                            node.content(id, "t");
                            sleep(100);
                        }
                    }
                    default -> {
                        node.content(id, "ok");
                        node.done(id);
                    }
                }
            });
            NodeLink l = link(hub, node);
            for (String ending : List.of("error", "silent", "limit", "slow", "gone", "ok")) {
                if (ending.equals("gone")) {
                    var res = hub.chatStream(ask("m:1", "gone"));
                    var in = res.body();
                    assertThat(in.read()).isEqualTo('d');
                    in.close();
                } else {
                    assertThat(hub.chat(ask("m:1", ending)).statusCode()).as(ending).isEqualTo(200);
                }
                await().atMost(AWAIT).untilAsserted(() -> {
                    assertThat(hub.hub.stats().active()).as(ending).isZero();
                    assertThat(l.activeRequests()).as(ending).isZero();
                    assertThat(l.active).as(ending).isZero();
                });
                assertThat(Sse.parse(hub.chat(ask("m:1", "next")).body()).content()).as("after " + ending).isEqualTo("ok");
            }
            assertHealthy(hub, 1);
        }
    }

    @Test
    void aNodeDisconnectMidStreamReleasesEverythingAndANewNodeServes() throws Exception {
        // The id ends like "data:text/html" starts: the error text must still carry it whole.
        try (var hub = HubFixture.start(); var dying = StandInNode.connect(hub.port()).register("dying-node-d", 1, "m:1")) {
            dying.onRequest(req -> {
                dying.content(req.path("request_id").asText(), "part");
                dying.kill();
            });
            assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("part\n\n[Error: Node dying-node-d disconnected]");
            await().atMost(AWAIT).until(() -> hub.hub.registry().registered().isEmpty());
            assertThat(hub.hub.stats().active()).isZero();
            try (var fresh = StandInNode.registered(hub.port(), 1, "m:1").serving(List.of("fine"))) {
                assertThat(Sse.parse(hub.chat(ask("m:1", "x")).body()).content()).isEqualTo("fine");
            }
        }
    }
}

package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.assertHealthy;
import static dev.idleclaw.server.HubTestSupport.async;
import static dev.idleclaw.server.HubTestSupport.raw;
import static dev.idleclaw.server.HubTestSupport.upgradeRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.idleclaw.testkit.StandInNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HubLimitsTest {
    private static final String TOO_MANY = "{\"detail\":\"Too many requests\"}";

    private static void assertLimited(HttpResponse<String> res, long minRetry, long maxRetry) {
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.body()).isEqualTo(TOO_MANY);
        assertThat(res.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(minRetry, maxRetry));
    }

    @Test
    void chatBucketAllowsRpmRequestsAndSpendsTokensOnInvalidOnes() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 2); var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
            assertThat(hub.chat("{\"model\":5}").statusCode()).isEqualTo(422);
            assertThat(hub.chat(ask("m:1", "hi")).statusCode()).isEqualTo(200);
            // floor((1 - tokens) / (2/60)) + 1 with tokens just above 0 is 30 (31 only if no time passed at all).
            assertLimited(hub.chat(ask("m:1", "hi")), 30, 31);
            assertLimited(hub.chat("not even json"), 30, 31);
            // Other buckets are untouched.
            assertHealthy(hub, 1);
        }
    }

    @Test
    void defaultBucketIsSharedByHealthMetricsModelsAndAdmin() throws Exception {
        try (var hub = HubFixture.start(c -> c.defaultRpm = 4)) {
            assertThat(hub.get("/health").statusCode()).isEqualTo(200);
            assertThat(hub.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(hub.get("/api/models").statusCode()).isEqualTo(200);
            assertThat(hub.get("/admin/nodes").statusCode()).isEqualTo(401);
            for (String path : List.of("/health", "/metrics", "/api/models", "/admin/nodes", "/admin/other")) {
                assertLimited(hub.get(path), 15, 16);
            }
            // Paths without a bucket are never limited; chat has its own bucket.
            for (int i = 0; i < 5; i++) assertThat(hub.get("/adminx").statusCode()).isEqualTo(404);
            assertThat(hub.chat(ask("m:1", "hi")).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void nodeUpgradesOverTheWsBudgetGetHttp429() throws Exception {
        try (var hub = HubFixture.start(c -> c.wsRpm = 2);
             var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:1")) {
            Throwable t = catchThrowable(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/ws/node"), new WebSocket.Listener() {}).join());
            assertThat(t).isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
            var failed = ((WebSocketHandshakeException) t.getCause()).getResponse();
            assertThat(failed.statusCode()).isEqualTo(429);

            var rawRes = raw(hub.port(), upgradeRequest(hub.port()));
            assertThat(rawRes.status()).isEqualTo(429);
            assertThat(rawRes.body()).isEqualTo(TOO_MANY);
            assertThat(Long.parseLong(rawRes.header("Retry-After"))).isBetween(30L, 31L);
            var plain = hub.get("/ws/node");
            assertThat(plain.statusCode()).isEqualTo(429);
            assertThat(plain.body()).isEqualTo(TOO_MANY);
            // The registered nodes are unaffected and the HTTP API is still up.
            assertThat(a.closed()).isNotDone();
            assertHealthy(hub, 2);
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        try (var hub = HubFixture.start(c -> c.defaultRpm = 2)) {
            assertThat(hub.get("/health", "X-Forwarded-For", "1.1.1.1").statusCode()).isEqualTo(200);
            assertThat(hub.get("/health", "X-Forwarded-For", "2.2.2.2").statusCode()).isEqualTo(200);
            assertLimited(hub.get("/health", "X-Forwarded-For", "3.3.3.3"), 30, 31);
            assertLimited(hub.get("/health"), 30, 31);
        }
    }

    @Test
    void forwardedForFromATrustedProxyNamesTheRightMostUntrustedHop() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.defaultRpm = 2;
            c.trustedProxies = List.of("127.0.0.1");
        })) {
            for (int i = 0; i < 2; i++) assertThat(hub.get("/health", "X-Forwarded-For", "7.7.7.7").statusCode()).isEqualTo(200);
            assertLimited(hub.get("/health", "X-Forwarded-For", "7.7.7.7"), 30, 31);
            // 7.7.7.7 is the right-most untrusted hop here too (127.0.0.1 is the trusted proxy chain).
            assertLimited(hub.get("/health", "X-Forwarded-For", "6.6.6.6, 7.7.7.7, 127.0.0.1"), 30, 31);
            // Here the client is 6.6.6.6; a spoofed left-most entry does not matter.
            assertThat(hub.get("/health", "X-Forwarded-For", "7.7.7.7, 6.6.6.6").statusCode()).isEqualTo(200);
            // A proxy that appends its own line instead of extending the client's: both lines are one list, read from the
            // right, so the client's forged line (7.7.7.7, limited above) is not the one believed.
            assertThat(hub.get("/health", "X-Forwarded-For", "7.7.7.7", "X-Forwarded-For", "5.5.5.5").statusCode()).isEqualTo(200);
            assertThat(hub.get("/health", "X-Forwarded-For", "7.7.7.7", "X-Forwarded-For", "5.5.5.5").statusCode()).isEqualTo(200);
            assertLimited(hub.get("/health", "X-Forwarded-For", "7.7.7.7", "X-Forwarded-For", "5.5.5.5"), 30, 31);
            // The proxy's own address has its own, still full, bucket.
            assertThat(hub.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void nodeAddressComesFromTrustedForwardedFor() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.trustedProxies = List.of("127.0.0.1");
            c.adminToken = "t";
        }); var node = StandInNode.connect(hub.port(), "X-Forwarded-For", "198.51.100.7")) {
            node.register("n1", 2, "m:1");
            var res = hub.get("/admin/nodes", "Authorization", "Bearer t");
            assertThat(HubTestSupport.json(res).path("nodes").path(0).path("ip").asText()).isEqualTo("198.51.x.x");
        }
    }

    @Test
    void aRateLimitedChatIsRefusedInTheDialectThatWouldHaveAnsweredIt() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 1)) {
            assertThat(hub.chat(ask("m:1", "hi")).statusCode()).isEqualTo(503);
            // Ollama's dialect (an explicit "stream", or Accept: application/x-ndjson): Ollama's {"error"}.
            String ollama = "{\"model\":\"m:1\",\"messages\":[],\"stream\":false}";
            var limited = hub.chat(ollama);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).isEqualTo("{\"error\":\"Too many requests\"}");
            assertThat(hub.chat(ask("m:1", "hi"), "Accept", "application/x-ndjson").body()).isEqualTo("{\"error\":\"Too many requests\"}");
            // IdleClaw's SSE dialect keeps FastAPI's {"detail"}.
            assertLimited(hub.chat(ask("m:1", "hi")), 1, 61);
            assertLimited(hub.chat(ollama, "Accept", "text/event-stream"), 1, 61);
        }
    }

    /** A node that sends one chunk per request, then holds it until {@code release}. */
    private static void holding(StandInNode node, CountDownLatch release) {
        node.onRequest(req -> {
            String id = req.path("request_id").asText();
            node.content(id, "held");
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            node.done(id);
        });
    }

    @Test
    void aChatOverTheOpenStreamCapIsRefusedInItsDialect() throws Exception {
        try (var hub = HubFixture.start(c -> c.maxChatsPerIp = 1); var node = StandInNode.registered(hub.port(), 4, "m:1")) {
            var release = new CountDownLatch(1);
            holding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "one")));
            node.nextOfType("inference_request");
            var second = hub.chat("{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"two\"}],\"stream\":true}");
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.body()).isEqualTo("{\"error\":\"Too many concurrent requests\"}");
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void concurrentChatsPerClientAreCapped() throws Exception {
        try (var hub = HubFixture.start(c -> c.maxChatsPerIp = 1); var node = StandInNode.registered(hub.port(), 4, "m:1")) {
            var release = new CountDownLatch(1);
            holding(node, release);
            var first = async(() -> hub.chat(ask("m:1", "one")));
            node.nextOfType("inference_request");
            var second = hub.chat(ask("m:1", "two"));
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.body()).isEqualTo("{\"detail\":\"Too many concurrent requests\"}");
            assertThat(second.headers().firstValue("retry-after")).hasValue("5");
            release.countDown();
            assertThat(Sse.parse(first.get(5, TimeUnit.SECONDS).body()).content()).isEqualTo("held");
            // The slot is given back: the next chat is served.
            var third = async(() -> hub.chat(ask("m:1", "three")));
            assertThat(Sse.parse(third.get(5, TimeUnit.SECONDS).body()).content()).isEqualTo("held");
            // Rejected and invalid chats give their slot back as well, before their answer's last byte goes out, so
            // the next request finds it free.
            assertThat(hub.chat("{}").statusCode()).isEqualTo(422);
            assertThat(hub.chat(ask("other:1", "x")).statusCode()).isEqualTo(503);
            assertThat(hub.chat("{}").statusCode()).isEqualTo(422);
        }
    }

    @Test
    void corsPreflightIsAnsweredBeforeTheRateLimiter() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 1); var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
            for (int i = 0; i < 5; i++) {
                var ok = preflight(hub, "http://localhost:3000");
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue("http://localhost:3000");
                assertThat(ok.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
                assertThat(ok.headers().firstValue("access-control-allow-headers")).hasValue("content-type");
                assertThat(ok.headers().firstValue("access-control-allow-credentials")).isEmpty();
            }
            var bad = preflight(hub, "http://evil.example");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("Disallowed CORS origin");
            assertThat(bad.headers().firstValue("access-control-allow-origin")).isEmpty();

            // The single chat token is still there; the actual request carries the CORS header.
            var chat = hub.chat(ask("m:1", "hi"), "Origin", "http://localhost:3000");
            assertThat(chat.statusCode()).isEqualTo(200);
            assertThat(chat.headers().firstValue("access-control-allow-origin")).hasValue("http://localhost:3000");
            assertThat(hub.chat(ask("m:1", "hi"), "Origin", "http://evil.example").statusCode()).isEqualTo(429);
            // Preflight still answered once the bucket is empty.
            assertThat(preflight(hub, "http://localhost:3000").statusCode()).isEqualTo(200);
            var other = hub.get("/health", "Origin", "http://evil.example");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }

    private static HttpResponse<String> preflight(HubFixture hub, String origin) throws Exception {
        return hub.http.send(HttpRequest.newBuilder(URI.create(hub.url("/api/chat")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type")
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.assertHealthy;
import static dev.idleclaw.server.HubTestSupport.async;
import static dev.idleclaw.server.HubTestSupport.fields;
import static dev.idleclaw.server.HubTestSupport.json;
import static dev.idleclaw.server.HubTestSupport.model;
import static dev.idleclaw.server.HubTestSupport.registerRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.testkit.StandInNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HubHttpEndpointsTest {

    @Test
    void healthReportsIntegerUptimeAndNodeCount() throws Exception {
        try (var hub = HubFixture.start()) {
            var empty = hub.get("/health");
            assertThat(empty.statusCode()).isEqualTo(200);
            assertThat(empty.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(empty.body()).matches("\\{\"status\":\"healthy\",\"uptime_seconds\":\\d+,\"node_count\":0}");
            try (var a = StandInNode.registered(hub.port(), 2, "m:1"); var b = StandInNode.registered(hub.port(), 2, "m:2")) {
                JsonNode h = json(hub.get("/health"));
                assertThat(h.path("uptime_seconds").isIntegralNumber()).isTrue();
                assertThat(h.path("node_count").isIntegralNumber()).isTrue();
                assertThat(h.path("node_count").asInt()).isEqualTo(2);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertHealthy(hub, 0));
        }
    }

    @Test
    void healthNamesTheServerSideToolsOnlyWhenTheHubRunsThem() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.searchUrl = java.net.URI.create("http://127.0.0.1:9");
            c.toolFetch = true;
        })) {
            assertThat(hub.get("/health").body())
                    .matches("\\{\"status\":\"healthy\",\"uptime_seconds\":\\d+,\"node_count\":0,\"tools\":\\[\"web_search\",\"web_fetch\"]}");
        }
    }

    @Test
    void modelsAreDistinctAndSortedBySizeOfTheFirstRegistrationStably() throws Exception {
        try (var hub = HubFixture.start()) {
            assertThat(hub.get("/api/models").body()).isEqualTo("{\"models\":[],\"capabilities\":{}}");
            try (var a = registerRaw(hub.port(), "a", 2, model("small:1", 10), model("big:1", 1000), model("eq-a:1", 500));
                 var b = registerRaw(hub.port(), "b", 2, model("big:1", 1), model("eq-b:1", 500), model("mid:1", 700),
                         model("small:1", 99_999))) {
                JsonNode m = json(hub.get("/api/models"));
                assertThat(m.path("models")).extracting(JsonNode::asText)
                        .containsExactly("big:1", "mid:1", "eq-a:1", "eq-b:1", "small:1");
                assertThat(fields(m)).containsExactly("models", "capabilities");
                assertThat(fields(m.path("capabilities"))).containsExactly("big:1", "mid:1", "eq-a:1", "eq-b:1", "small:1");
            }
        }
    }

    @Test
    void capabilitiesComeFromTheNodeWhenReportedElseFromTheNameRules() throws Exception {
        try (var hub = HubFixture.start();
             var n = registerRaw(hub.port(), "n", 2,
                     model("qwen3:8b", 9, "completion"),                     // node says: no thinking, no tools
                     model("custom:1", 8, "completion", "tools", "thinking"),  // node says: both
                     model("plain:1", 7, "completion", "vision"),
                     model("QWEN3-Coder:30b", 6), model("llama3.2:3b", 5), model("gemma3:4b", 4),
                     model("qwen2.5:7b", 3), model("mistral-nemo:12b", 2), model("gpt-oss:20b", 1),
                     model("hf.co/x/Granite4-tiny", 0))) {
            JsonNode caps = json(hub.get("/api/models")).path("capabilities");
            assertThat(caps.toString()).isEqualTo("{"
                    + "\"qwen3:8b\":{\"thinking\":false,\"tool_calls\":false},"
                    + "\"custom:1\":{\"thinking\":true,\"tool_calls\":true},"
                    + "\"plain:1\":{\"thinking\":false,\"tool_calls\":false},"
                    + "\"QWEN3-Coder:30b\":{\"thinking\":true,\"tool_calls\":true},"
                    + "\"llama3.2:3b\":{\"thinking\":false,\"tool_calls\":true},"
                    + "\"gemma3:4b\":{\"thinking\":false,\"tool_calls\":false},"
                    + "\"qwen2.5:7b\":{\"thinking\":false,\"tool_calls\":false},"
                    + "\"mistral-nemo:12b\":{\"thinking\":false,\"tool_calls\":true},"
                    + "\"gpt-oss:20b\":{\"thinking\":false,\"tool_calls\":true},"
                    + "\"hf.co/x/Granite4-tiny\":{\"thinking\":false,\"tool_calls\":true}}");
        }
    }

    @Test
    void metricsHaveTheIdleClawShapeAndCountersMove() throws Exception {
        try (var hub = HubFixture.start();
             var a = StandInNode.registered(hub.port(), 2, "both:1", "only-a:1").serving(List.of("ok"));
             var b = StandInNode.registered(hub.port(), 2, "both:1");
             var bad = StandInNode.registered(hub.port(), 2, "broken:1")) {
            b.serving(List.of("ok"));
            bad.onRequest(req -> bad.error(req.path("request_id").asText(), "ollama_error"));
            JsonNode m = json(hub.get("/metrics"));
            assertThat(fields(m)).containsExactly("nodes_connected", "nodes_registered_total", "requests_total",
                    "requests_active", "requests_errors_total", "models_available", "uptime_seconds");
            assertThat(m.path("nodes_connected").asInt()).isEqualTo(3);
            assertThat(m.path("nodes_registered_total").asInt()).isEqualTo(3);
            assertThat(m.path("requests_total").asInt()).isZero();
            assertThat(m.path("models_available").toString()).isEqualTo(
                    "[{\"name\":\"both:1\",\"node_count\":2},{\"name\":\"only-a:1\",\"node_count\":1},{\"name\":\"broken:1\",\"node_count\":1}]");

            assertThat(Sse.parse(hub.chat(ask("both:1", "hi")).body()).content()).isEqualTo("ok");
            assertThat(Sse.parse(hub.chat(ask("only-a:1", "hi")).body()).content()).isEqualTo("ok");
            m = json(hub.get("/metrics"));
            assertThat(m.path("requests_total").asInt()).isEqualTo(2);
            assertThat(m.path("requests_errors_total").asInt()).isZero();
            assertThat(m.path("requests_active").asInt()).isZero();

            Sse failed = Sse.parse(hub.chat(ask("broken:1", "hi")).body());
            assertThat(failed.content()).isEqualTo("\n\n[Error: the model failed while answering]");
            m = json(hub.get("/metrics"));
            assertThat(m.path("requests_total").asInt()).isEqualTo(3);
            assertThat(m.path("requests_errors_total").asInt()).isEqualTo(1);
            assertHealthy(hub, 3);
        }
    }

    @Test
    void metricsCountActiveRequestsWhileAStreamIsOpen() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var release = new CountDownLatch(1);
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                node.content(id, "x");
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                node.done(id);
            });
            var answer = async(() -> hub.chat(ask("m:1", "hi")));
            await().atMost(Duration.ofSeconds(5)).until(() -> json(hub.get("/metrics")).path("requests_active").asInt() == 1);
            JsonNode admin = json(hub.get("/admin/nodes"));
            assertThat(admin.path("detail").asText()).isEqualTo("Unauthorized");
            release.countDown();
            assertThat(Sse.parse(answer.get(5, TimeUnit.SECONDS).body()).content()).isEqualTo("x");
            assertThat(json(hub.get("/metrics")).path("requests_active").asInt()).isZero();
        }
    }

    @Test
    void countersSurviveARestartOnTheSameDataDirectory() throws Exception {
        var hub = HubFixture.start();
        try {
            try (var ok = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"));
                 var bad = StandInNode.registered(hub.port(), 2, "bad:1")) {
                bad.onRequest(req -> bad.error(req.path("request_id").asText(), "invalid_request"));
                hub.chat(ask("m:1", "a"));
                hub.chat(ask("m:1", "b"));
                hub.chat(ask("bad:1", "c"));
                hub = hub.restart(c -> {});
                assertThat(ok.awaitClose()).isEqualTo(new StandInNode.Close(1001, "server shutting down"));
            }
            JsonNode m = json(hub.get("/metrics"));
            assertThat(m.path("nodes_connected").asInt()).isZero();
            assertThat(m.path("nodes_registered_total").asInt()).isEqualTo(2);
            assertThat(m.path("requests_total").asInt()).isEqualTo(3);
            assertThat(m.path("requests_errors_total").asInt()).isEqualTo(1);
            assertThat(m.path("models_available")).isEmpty();
            try (var again = StandInNode.registered(hub.port(), 2, "m:1")) {
                assertThat(json(hub.get("/metrics")).path("nodes_registered_total").asInt()).isEqualTo(3);
            }
        } finally {
            hub.close();
        }
    }

    @Test
    void adminNodesIsUnauthorizedWithoutAConfiguredToken() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            for (var res : List.of(hub.get("/admin/nodes"), hub.get("/admin/nodes", "Authorization", "Bearer "),
                    hub.get("/admin/nodes", "Authorization", "Bearer anything"))) {
                assertThat(res.statusCode()).isEqualTo(401);
                assertThat(res.body()).isEqualTo("{\"detail\":\"Unauthorized\"}");
            }
        }
    }

    @Test
    void adminNodesNeedsTheExactBearerTokenAndMasksAddresses() throws Exception {
        try (var hub = HubFixture.start(c -> c.adminToken = "s3cret-token");
             var node = registerRaw(hub.port(), "node-1", 3, model("qwen3:8b", 2), model("llama3.2:3b", 1))) {
            for (String[] h : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                    new String[] {"Authorization", "Bearer s3cret-token2"}, new String[] {"Authorization", "bearer S3cret-token"},
                    new String[] {"Authorization", "Basic s3cret-token"}, new String[] {"Authorization", "s3cret-token"})) {
                var res = hub.get("/admin/nodes", h);
                assertThat(res.statusCode()).as(String.join(" ", h)).isEqualTo(401);
                assertThat(res.body()).isEqualTo("{\"detail\":\"Unauthorized\"}");
            }
            assertThat(hub.get("/admin/nodes", "Authorization", "bearer s3cret-token").statusCode()).isEqualTo(200); // scheme: any case
            var res = hub.get("/admin/nodes", "Authorization", "Bearer s3cret-token");
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode n = json(res).path("nodes").path(0);
            assertThat(json(res).path("nodes")).hasSize(1);
            assertThat(fields(n)).containsExactly("node_id", "label", "ip", "kind", "models", "connected_seconds", "active_requests",
                    "max_concurrent", "available", "reputation", "standing", "checks_passed", "ollama_version", "answers", "tokens_served", "chars_received",
                    "probes", "flags", "pubkey", "anonymous");
            assertThat(n.path("anonymous").asBoolean()).isTrue();
            assertThat(n.path("flags").isArray()).isTrue();
            assertThat(n.path("node_id").asText()).isEqualTo("node-1");
            assertThat(n.path("ip").asText()).isEqualTo("127.0.x.x");
            assertThat(n.path("models").toString()).isEqualTo("[\"qwen3:8b\",\"llama3.2:3b\"]");
            assertThat(n.path("connected_seconds").isIntegralNumber()).isTrue();
            assertThat(n.path("connected_seconds").asLong()).isBetween(0L, 5L);
            assertThat(n.path("active_requests").asInt()).isZero();
            assertThat(n.path("ollama_version").asText()).isEqualTo("0.12.6");
            // The token is case-sensitive even on a kept-alive connection that just sent the right one.
            assertThat(hub.get("/admin/nodes", "Authorization", "Bearer S3CRET-TOKEN").statusCode()).isEqualTo(401);
            assertThat(hub.get("/admin/nodes", "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        try (var hub = HubFixture.start()) {
            for (String path : List.of("/nope", "/api/tags/x", "/adminx")) {
                var res = hub.get(path);
                assertThat(res.statusCode()).as(path).isEqualTo(404);
                assertThat(res.body()).isEqualTo("{\"detail\":\"Not Found\"}");
            }
            var post = hub.http.send(HttpRequest.newBuilder(URI.create(hub.url("/health")))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
            var get = hub.get("/api/chat");
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
            assertHealthy(hub, 0);
        }
    }
}

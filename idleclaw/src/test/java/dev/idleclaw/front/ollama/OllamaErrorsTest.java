package dev.idleclaw.front.ollama;

import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.Bodies.stamped;
import static dev.idleclaw.front.Bodies.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Ollama-face failures before and after the first line (ollama-api.md §8, §12), on the Ollama-only listener. */
class OllamaErrorsTest {
    static final String M = "llama3.2:3b";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    static void assertError(HttpResponse<String> res, int status, String body) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(type(res.headers())).isEqualTo(type("application/json; charset=utf-8"));
        assertThat(res.body()).isEqualTo(body);
    }

    @Test
    void badInputIsRefusedWithOllamasStatusesAndTexts() throws Exception {
        try (var hub = HubFixture.start(c -> c.ollamaPort = 0); var node = StandInNode.registered(hub.port(), 2, M)) {
            int port = hub.hub.ollamaPort();
            assertError(hub.send(port, "POST", "/api/chat", ""), 400, "{\"error\":\"missing request body\"}");
            assertError(hub.send(port, "POST", "/api/generate", ""), 400, "{\"error\":\"missing request body\"}");
            assertError(hub.send(port, "POST", "/api/chat", "x"), 400, "{\"error\":\"invalid character 'x' looking for beginning of value\"}");
            assertError(hub.send(port, "POST", "/api/chat", "{\"model\":"), 400, "{\"error\":\"unexpected EOF\"}");
            assertError(hub.send(port, "POST", "/api/chat", "{" + ASK + "}"), 400, "{\"error\":\"model is required\"}");
            var think = hub.send(port, "POST", "/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"think\":\"extreme\"}");
            assertThat(think.statusCode()).isEqualTo(400);
            assertThat(json(think.body()).path("error").asText()).contains("think");
            assertError(hub.send(port, "POST", "/api/chat", "{\"model\":\"nope:1b\"," + ASK + "}"), 404, "{\"error\":\"model 'nope:1b' not found\"}");
            assertError(hub.send(port, "POST", "/api/generate", "{\"model\":\"\",\"prompt\":\"hi\"}"), 404, "{\"error\":\"model '' not found\"}");
            assertError(hub.send(port, "POST", "/api/generate", "{\"prompt\":\"hi\"}"), 404, "{\"error\":\"model '' not found\"}");
            assertThat(node.receives("inference_request", 100)).isFalse();
        }
    }

    @Test
    void toolsOrThinkingForAModelWithoutThatCapabilityAre400() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "tinyllama:latest", M)) {
            String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]";
            assertError(hub.post("/api/chat", "{\"model\":\"tinyllama:latest\"," + ASK + tools + "}"), 400,
                    "{\"error\":\"registry.ollama.ai/library/tinyllama:latest does not support tools\"}");
            assertError(hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"think\":true,\"stream\":true}"), 400,
                    "{\"error\":\"\\\"" + M + "\\\" does not support thinking\"}");
            assertThat(node.receives("inference_request", 100)).isFalse();
        }
    }

    @Test
    void allNodesBusyPastTheQueueTimeoutIs503WithOllamasBusyText() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = Duration.ofMillis(300)); var node = StandInNode.registered(hub.port(), 1, M)) {
            var first = CompletableFuture.supplyAsync(() -> {
                try {
                    return hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":false}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            String id = node.nextOfType("inference_request").path("request_id").asText();
            var busy = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            assertError(busy, 503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
            assertThat(busy.headers().firstValue("Retry-After")).isPresent();
            node.content(id, "ok");
            node.done(id);
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aNodeFailureAfterTheFirstLineIsOneErrorLineAndNoDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.error(id, "ollama_error");
            });
            var res = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            assertThat(res.statusCode()).isEqualTo(200);
            List<String> lines = Bodies.ndjson(res.body());
            assertThat(lines).hasSize(2);
            assertThat(stamped(lines.get(0))).isEqualTo("{\"model\":\"" + M + "\",\"created_at\":\"T\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}");
            assertThat(lines.get(1)).isEqualTo("{\"error\":\"the model failed while answering\"}");

            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.kill();
            });
            var cut = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            List<String> cutLines = Bodies.ndjson(cut.body());
            assertThat(cutLines).hasSize(2);
            assertThat(Bodies.fields(json(cutLines.get(1)))).containsExactly("error");
            assertThat(cut.body()).doesNotContain("\"done\":true");
        }
    }

    @Test
    void aNodeFailureBeforeAnyLineFailsOverOrGetsARealStatus() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> node.error(id, "ollama_error"));
            assertError(hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}"), 502,
                    "{\"error\":\"the model failed while answering\"}");
            assertError(hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":false}"), 502,
                    "{\"error\":\"the model failed while answering\"}");
        }
        try (var hub = HubFixture.start(); var a = StandInNode.registered(hub.port(), 2, M); var b = StandInNode.registered(hub.port(), 2, M)) {
            var failed = new AtomicBoolean();
            for (StandInNode n : List.of(a, b)) {
                n.onRequestId(id -> {
                    if (failed.compareAndSet(false, true)) {
                        n.error(id, "ollama_error");
                    } else {
                        n.content(id, "Hi");
                        n.doneWithMetrics(id, "stop");
                    }
                });
            }
            var res = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            assertThat(res.statusCode()).isEqualTo(200);
            List<String> lines = Bodies.ndjson(res.body());
            assertThat(lines).hasSize(2);
            assertThat(json(lines.get(1)).path("done").asBoolean()).isTrue();
        }
    }

    @Test
    void generateMapsPromptAndSystemAndAnswersWithResponse() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M).servingWithMetrics(List.of("Hel", "lo"))) {
            String head = "{\"model\":\"" + M + "\",\"created_at\":\"T\",";
            var single = hub.post("/api/generate", "{\"model\":\"" + M + "\",\"prompt\":\"Why?\",\"system\":\"Be brief.\",\"stream\":false}");
            assertThat(single.statusCode()).isEqualTo(200);
            assertThat(type(single.headers())).isEqualTo(type("application/json; charset=utf-8"));
            assertThat(stamped(single.body())).isEqualTo(head + "\"response\":\"Hello\",\"done\":true,\"done_reason\":\"stop\","
                    + "\"total_duration\":182242375,\"load_duration\":41295167,\"prompt_eval_count\":26,\"prompt_eval_duration\":24573166,"
                    + "\"eval_count\":3,\"eval_duration\":115959084}");
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("messages").toString())
                    .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Why?\"}]");

            var streamed = hub.post("/api/generate", "{\"model\":\"" + M + "\",\"prompt\":\"Why?\"}");
            assertThat(streamed.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            List<String> lines = Bodies.ndjson(streamed.body());
            assertThat(lines).hasSize(3);
            assertThat(stamped(lines.get(0))).isEqualTo(head + "\"response\":\"Hel\",\"done\":false}");
            assertThat(stamped(lines.get(1))).isEqualTo(head + "\"response\":\"lo\",\"done\":false}");
            assertThat(stamped(lines.get(2))).startsWith(head + "\"response\":\"\",\"done\":true,\"done_reason\":\"stop\",\"total_duration\":");

            var load = hub.post("/api/generate", "{\"model\":\"" + M + "\"}");
            assertThat(stamped(load.body())).isEqualTo(head + "\"response\":\"\",\"done\":true,\"done_reason\":\"load\"}");
        }
    }
}

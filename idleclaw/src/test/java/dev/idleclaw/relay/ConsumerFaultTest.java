package dev.idleclaw.relay;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.json;
import static dev.idleclaw.server.HubTestSupport.link;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.server.Sse;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.wire.WireLimits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A request a node would refuse as invalid is the consumer's fault (issue 11 #1): the hub refuses it with a 400 in the
 * door's dialect before any node sees it (here: longer than original nodes, the only ones serving, accept), a node's own {@code invalid_request} costs it nothing and is not failed over,
 * and the listings drop models no node would serve.
 */
class ConsumerFaultTest {
    private static final String MODEL = "llama3.2:3b";
    private static final String TOO_LONG = "a".repeat(WireLimits.MAX_MESSAGE_CHARS + 1);

    private static HttpResponse<String> post(HubFixture hub, String path, JsonNode body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(hub.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        return hub.http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode generate(String prompt) {
        return Json.object().put("model", MODEL).put("prompt", prompt).put("stream", false);
    }

    private static JsonNode chat(String content) {
        var body = Json.object().put("model", MODEL).put("stream", false);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body;
    }

    @Test
    void tenOverLongRequestsThroughEveryDoorAre400AndLeaveTheNodeUntouched() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, MODEL).serving(List.of("ok"))) {
            NodeLink l = link(hub, node);
            for (int i = 0; i < 10; i++) {
                var generated = post(hub, "/api/generate", generate(TOO_LONG));
                assertThat(generated.statusCode()).isEqualTo(400);
                assertThat(json(generated).path("error").asText()).isEqualTo("no node serving llama3.2:3b accepts this request: "
                        + "a message of 10001 characters (nodes accept at most 10000 per message)");
                var chat = post(hub, "/api/chat", chat(TOO_LONG));
                assertThat(chat.statusCode()).isEqualTo(400);
                assertThat(json(chat).path("error").asText()).contains("10000");
                var openAi = post(hub, "/v1/chat/completions", chat(TOO_LONG));
                assertThat(openAi.statusCode()).isEqualTo(400);
                assertThat(json(openAi).at("/error/type").asText()).isEqualTo("invalid_request_error");
                assertThat(json(openAi).at("/error/message").asText()).contains("10000");
            }
            var system = post(hub, "/api/generate", Json.object().put("model", MODEL).put("prompt", "hi").put("system", TOO_LONG)
                    .put("stream", false));
            assertThat(system.statusCode()).isEqualTo(400);
            assertThat(json(system).path("error").asText()).contains("a message of 10001 characters");
            var infill = post(hub, "/api/generate", generate("a".repeat(5_000)).put("suffix", "b".repeat(5_000)));
            assertThat(infill.statusCode()).isEqualTo(400);
            assertThat(json(infill).path("error").asText()).startsWith("no node serving llama3.2:3b accepts this request: a message of ");

            assertThat(node.received()).noneMatch(m -> "inference_request".equals(m.path("type").asText()));
            assertThat(hub.hub.scheduler().reputation(l)).isEqualTo(Scheduler.INITIAL_REPUTATION);
            var fine = post(hub, "/api/generate", generate("a".repeat(WireLimits.MAX_MESSAGE_CHARS)));
            assertThat(fine.statusCode()).isEqualTo(200);
            assertThat(json(fine).path("response").asText()).isEqualTo("ok");
        }
    }

    @Test
    void aNodeRefusingARequestAsInvalidCostsItNothingAndTheConsumerGetsAClearErrorWithoutFailover() throws Exception {
        try (var hub = HubFixture.start(); var a = StandInNode.registered(hub.port(), 2, MODEL);
             var b = StandInNode.registered(hub.port(), 2, MODEL)) {
            AtomicInteger asked = new AtomicInteger();
            for (StandInNode n : List.of(a, b)) {
                n.onRequest(req -> {
                    asked.incrementAndGet();
                    n.error(req.path("request_id").asText(), "invalid_request");
                });
            }
            var ollama = post(hub, "/api/chat", chat("hi"));
            assertThat(ollama.statusCode()).isEqualTo(400);
            assertThat(json(ollama).path("error").asText()).startsWith("the node refused the request as invalid");
            assertThat(asked).as("no failover to the second node").hasValue(1);

            var openAi = post(hub, "/v1/chat/completions", chat("hi"));
            assertThat(openAi.statusCode()).isEqualTo(400);
            assertThat(json(openAi).at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(asked).hasValue(2);

            String sse = Sse.parse(hub.chat(ask(MODEL, "hi")).body()).content();
            assertThat(sse).startsWith("\n\n[Error: the node refused the request as invalid");
            assertThat(asked).hasValue(3);

            for (int i = 0; i < 10; i++) post(hub, "/api/generate", generate("hi"));
            assertThat(asked).hasValue(13);
            assertThat(hub.hub.scheduler().reputation(link(hub, a))).isEqualTo(Scheduler.INITIAL_REPUTATION);
            assertThat(hub.hub.scheduler().reputation(link(hub, b))).isEqualTo(Scheduler.INITIAL_REPUTATION);
        }
    }
}

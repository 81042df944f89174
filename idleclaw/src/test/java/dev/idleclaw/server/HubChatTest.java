package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubChatTest {

    @Test
    void streamsContentAsSseChunksEndingWithDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b").serving(List.of("Hel", "lo"))) {
            var res = hub.chat(ask("llama3.2:3b", "hi"));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            assertThat(res.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(res.headers().firstValue("x-accel-buffering")).hasValue("no");
            Sse sse = Sse.parse(res.body());
            assertThat(sse.content()).isEqualTo("Hello");
            assertThat(sse.endsWithDone()).isTrue();
            JsonNode first = Json.parse(sse.data().getFirst());
            assertThat(first.path("id").asText()).matches("chatcmpl-[0-9a-f]{12}");
            assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(first.path("model").asText()).isEqualTo("llama3.2:3b");
            assertThat(first.path("choices").get(0).path("index").asInt()).isZero();
            assertThat(Json.parse(sse.data().get(1)).path("id")).isEqualTo(first.path("id"));
        }
    }

    @Test
    void sendsSystemMessageLastTwentyTurnsAndCancelsAfterDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b")) {
            var msgs = new StringBuilder();
            for (int i = 0; i < 25; i++) {
                if (i > 0) msgs.append(',');
                msgs.append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"m").append(i).append("\"}");
            }
            var answer = Thread.ofVirtual().start(() -> {
                try {
                    hub.chat("{\"model\":\"llama3.2:3b\",\"messages\":[" + msgs + "]}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            JsonNode req = node.nextOfType("inference_request");
            JsonNode params = req.path("ollama_params");
            assertThat(params.path("model").asText()).isEqualTo("llama3.2:3b");
            assertThat(params.path("stream").asBoolean()).isTrue();
            assertThat(params.path("keep_alive").asInt()).isEqualTo(-1);
            assertThat(params.path("think").asBoolean(true)).isFalse();
            assertThat(params.path("messages")).hasSize(21);
            assertThat(params.path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(params.path("messages").get(1).path("content").asText()).isEqualTo("m5");
            assertThat(params.path("messages").get(20).path("content").asText()).isEqualTo("m24");
            assertThat(params.has("tools")).isFalse();
            String id = req.path("request_id").asText();
            node.done(id);
            JsonNode cancel = node.nextOfType("cancel_request");
            assertThat(cancel.path("request_id").asText()).isEqualTo(id);
            answer.join();
        }
    }

    @Test
    void relaysReasoningOnlyForThinkingModelsWhenAsked() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "qwen3:8b", "llama3.2:3b")) {
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                node.thinking(id, "Hmm");
                node.content(id, "Four.");
                node.done(id);
            });
            Sse sse = Sse.parse(hub.chat("{\"model\":\"qwen3:8b\",\"think\":true,\"messages\":[{\"role\":\"user\",\"content\":\"2+2\"}]}").body());
            assertThat(sse.reasoning()).isEqualTo("Hmm");
            assertThat(sse.content()).isEqualTo("Four.");
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("think").asBoolean()).isTrue();

            Sse plain = Sse.parse(hub.chat("{\"model\":\"llama3.2:3b\",\"think\":true,\"messages\":[{\"role\":\"user\",\"content\":\"2+2\"}]}").body());
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("think").asBoolean()).isFalse();
            assertThat(plain.content()).isEqualTo("Four.");
        }
    }

    @Test
    void nodeErrorBecomesFixedInBandErrorDelta() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                node.content(id, "partial");
                node.error(id, "ollama_error <script>alert(1)</script>");
            });
            Sse sse = Sse.parse(hub.chat(ask("m:1", "hi")).body());
            assertThat(sse.content()).isEqualTo("partial\n\n[Error: the model failed while answering]");
            assertThat(sse.endsWithDone()).isTrue();
        }
    }

    @Test
    void failsOverToAnotherNodeWhenTheFirstFailsBeforeAnyContent() throws Exception {
        try (var hub = HubFixture.start(); var bad = StandInNode.registered(hub.port(), 2, "m:1");
             var good = StandInNode.registered(hub.port(), 1, "m:1").serving(List.of("ok"))) {
            bad.onRequest(req -> bad.error(req.path("request_id").asText(), "ollama_unavailable"));
            for (int i = 0; i < 3; i++) {
                Sse sse = Sse.parse(hub.chat(ask("m:1", "hi")).body());
                assertThat(sse.content()).isEqualTo("ok");
            }
        }
    }

    @Test
    void nodeDisconnectMidStreamEndsWithErrorAndDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            node.onRequest(req -> {
                node.content(req.path("request_id").asText(), "part");
                node.kill();
            });
            Sse sse = Sse.parse(hub.chat(ask("m:1", "hi")).body());
            assertThat(sse.content()).isEqualTo("part\n\n[Error: Node " + node.nodeId() + " disconnected]");
            assertThat(sse.endsWithDone()).isTrue();
        }
    }

    @Test
    void silentNodeTimesOutAndKeepAlivesFlowMeanwhile() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.chunkTimeout = Duration.ofMillis(1200);
            c.keepAliveInterval = Duration.ofMillis(300);
        }); var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            Sse sse = Sse.parse(hub.chat(ask("m:1", "hi")).body());
            assertThat(sse.comments()).isNotEmpty().allMatch(c -> c.matches("ping - \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00"));
            assertThat(sse.content()).isEqualTo("\n\n[Error: request timed out]");
            assertThat(node.nextOfType("cancel_request")).isNotNull();
        }
    }

    @Test
    void unknownModelGets503WithDetail() throws Exception {
        try (var hub = HubFixture.start()) {
            var res = hub.chat(ask("nope:1", "hi"));
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(Json.parse(res.body()).path("detail").asText()).isEqualTo("No nodes available with model nope:1");
        }
    }
}

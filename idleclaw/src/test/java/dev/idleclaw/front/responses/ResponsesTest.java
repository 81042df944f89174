package dev.idleclaw.front.responses;

import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.responses.Events.PATH;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/responses}: the response object, the typed event stream, usage and failures. */
class ResponsesTest {
    static final String M = "llama3.2:3b";

    @Test
    void aStringInputWithInstructionsIsOneResponseObjectWithAMessageItemAndUsage() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hello");
                node.content(id, " there!");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"hi\",\"instructions\":\"Be brief.\",\"store\":false,"
                    + "\"include\":[\"reasoning.encrypted_content\"],\"max_output_tokens\":64,\"temperature\":0.2,\"top_p\":0.9}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("application/json");
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.path("messages")).isEqualTo(json("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]"));
            assertThat(params.path("options")).isEqualTo(json("{\"num_predict\":64,\"temperature\":0.2,\"top_p\":0.9}"));
            JsonNode r = json(res.body());
            assertThat(r.path("id").asText()).matches("resp_[0-9a-f]{32}");
            assertThat(r.path("object").asText()).isEqualTo("response");
            assertThat(r.path("status").asText()).isEqualTo("completed");
            assertThat(r.path("model").asText()).isEqualTo(M);
            assertThat(r.path("instructions").asText()).isEqualTo("Be brief.");
            assertThat(r.path("store").asBoolean(true)).isFalse();
            assertThat(r.path("output")).hasSize(1);
            JsonNode msg = r.path("output").get(0);
            assertThat(msg.path("id").asText()).startsWith("msg_");
            assertThat(msg.path("type").asText() + msg.path("role").asText() + msg.path("status").asText()).isEqualTo("messageassistantcompleted");
            assertThat(msg.path("content")).isEqualTo(json("[{\"type\":\"output_text\",\"text\":\"Hello there!\",\"annotations\":[],\"logprobs\":[]}]"));
            assertThat(r.path("usage")).isEqualTo(json("{\"input_tokens\":26,\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0},\"output_tokens\":3,"
                    + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":29}"));
        }
    }

    @Test
    void aStreamSendsTheTypedEventsInOrderWithReasoningThenTextThenCompletedWithUsage() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.thinking(id, "Hmm");
                node.content(id, "Hel");
                node.content(id, "lo");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"stream\":true,\"input\":[{\"role\":\"developer\",\"content\":\"Rules\"},"
                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("text/event-stream");
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("messages"))
                    .isEqualTo(json("[{\"role\":\"system\",\"content\":\"Rules\"},{\"role\":\"user\",\"content\":\"hi\"}]"));
            List<JsonNode> events = Events.of(res.body());
            assertThat(Events.types(events)).containsExactly("response.created", "response.in_progress",
                    "response.output_item.added", "response.reasoning_text.delta", "response.reasoning_text.done", "response.output_item.done",
                    "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                    "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
            assertThat(events.get(0).path("response").path("status").asText()).isEqualTo("in_progress");
            assertThat(events.get(5).path("item").path("content").get(0).path("text").asText()).isEqualTo("Hmm");
            assertThat(events.get(8).path("delta").asText() + events.get(9).path("delta").asText()).isEqualTo("Hello");
            assertThat(events.get(8).path("output_index").asInt()).isEqualTo(1);
            assertThat(events.get(10).path("text").asText()).isEqualTo("Hello");
            JsonNode done = events.getLast().path("response");
            assertThat(done.path("id")).isEqualTo(events.get(0).path("response").path("id"));
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("output")).hasSize(2);
            assertThat(done.path("output").get(1)).isEqualTo(events.get(12).path("item"));
            assertThat(done.path("usage").path("total_tokens").asInt()).isEqualTo(29);
        }
    }

    @Test
    void aTokenBudgetRunningOutEndsTheStreamWithResponseIncomplete() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.doneWithMetrics(id, "length");
            });
            List<JsonNode> events = Events.of(hub.post(PATH, "{\"model\":\"" + M + "\",\"stream\":true,\"input\":\"hi\"}").body());
            assertThat(events.getLast().path("type").asText()).isEqualTo("response.incomplete");
            assertThat(events.getLast().path("response").path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        }
    }

    @Test
    void aFailureAfterTheFirstEventIsOneResponseFailedEventAndTheEnd() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.error(id, "ollama_error");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"stream\":true,\"input\":\"hi\"}");
            assertThat(res.statusCode()).isEqualTo(200);
            List<JsonNode> events = Events.of(res.body());
            assertThat(Events.types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                    "response.content_part.added", "response.output_text.delta", "response.failed");
            JsonNode failed = events.getLast().path("response");
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("error")).isEqualTo(json("{\"code\":\"server_error\",\"message\":\"the model failed while answering\"}"));
        }
    }

    @Test
    void aFailureBeforeAnyEventIsARealStatusInOpenAisShape() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> node.error(id, "ollama_error"));
            for (String stream : List.of("true", "false")) {
                var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"stream\":" + stream + ",\"input\":\"hi\"}");
                assertThat(res.statusCode()).isEqualTo(502);
                assertThat(res.body()).isEqualTo("{\"error\":{\"message\":\"the model failed while answering\",\"type\":\"api_error\","
                        + "\"param\":null,\"code\":null}}");
            }
        }
    }

    @Test
    void anUnknownModelIsA404InOpenAisShape() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            var res = hub.post(PATH, "{\"model\":\"nope:1b\",\"input\":\"hi\"}");
            assertThat(res.statusCode()).isEqualTo(404);
            assertThat(res.body()).isEqualTo("{\"error\":{\"message\":\"model 'nope:1b' not found\",\"type\":\"not_found_error\","
                    + "\"param\":null,\"code\":\"model_not_found\"}}");
        }
    }

    @Test
    void previousResponseIdAndStoreTrueAreRefusedBecauseTheEndpointIsStateless() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            for (String extra : List.of("\"previous_response_id\":\"resp_1\"", "\"store\":true")) {
                var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"hi\"," + extra + "}");
                assertThat(res.statusCode()).isEqualTo(400);
                JsonNode err = json(res.body()).path("error");
                assertThat(err.path("message").asText()).contains("stateless");
                assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
            }
            assertThat(node.receives("inference_request", 200)).isFalse();
        }
    }

    @Test
    void answersCountUnderTheResponsesDoorAndShareTheChatRateLimit() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 1); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.servingWithMetrics(List.of("Hi"));
            assertThat(hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"hi\"}").statusCode()).isEqualTo(200);
            var limited = hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"hi\"}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(hub.get("/metrics", "Accept", "text/plain").body())
                    .contains("idleclaw_requests_total{door=\"responses\",model=\"" + M + "\",outcome=\"done\"} 1.0\n");
        }
    }

    @Test
    void badInputIsA400() throws Exception {
        try (var hub = HubFixture.start()) {
            assertThat(json(hub.post(PATH, "{\"input\":\"hi\"}").body()).path("error").path("message").asText())
                    .isEqualTo("you must provide a model parameter");
            assertThat(json(hub.post(PATH, "{\"model\":\"" + M + "\"}").body()).path("error").path("message").asText())
                    .isEqualTo("'input' is a required property");
            assertThat(hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}").body())
                    .contains("input[0].role 'robot' is not one of user, assistant, system, developer");
        }
    }
}

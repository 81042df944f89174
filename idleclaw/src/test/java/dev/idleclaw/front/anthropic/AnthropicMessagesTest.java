package dev.idleclaw.front.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/messages}: requests into the canonical model, the message object, the SSE events and failures. */
class AnthropicMessagesTest {
    static final String M = "qwen3:8b";
    static final String PATH = "/v1/messages";
    static final String ASK = "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    static StandInNode node(HubFixture hub) throws Exception {
        ObjectNode m = NodeRegistration.model(M, 1000);
        m.putArray("capabilities").add("completion").add("tools").add("thinking");
        return StandInNode.registered(hub.port(), 2, m);
    }

    /** The events of an Anthropic SSE body as {@code name data} pairs, checking each names its own type. */
    static List<String[]> events(String body) {
        List<String[]> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith(":")) {
                out.add(new String[] {"comment", event});
                continue;
            }
            String[] lines = event.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            String name = lines[0].substring(7), data = lines[1].substring(6);
            assertThat(Bodies.json(data).path("type").asText()).isEqualTo(name);
            out.add(new String[] {name, data});
        }
        return out;
    }

    @Test
    void aNonStreamedAnswerIsOneMessageWithThinkingAndTextBlocksAndUsage() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> {
                node.thinking(id, "Let me see");
                node.content(id, "Hello");
                node.content(id, " there!");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH + "?beta=true", "{\"model\":\"" + M + "\"," + ASK + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                    + "\"metadata\":{\"user_id\":\"u\"},\"context_management\":{},\"output_config\":{}}", "x-api-key", "sk-ant-anything");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("application/json");
            JsonNode msg = Bodies.json(res.body());
            assertThat(msg.path("id").asText()).matches("msg_[A-Za-z0-9_-]{24}");
            assertThat(res.body().replace(msg.path("id").asText(), "ID")).isEqualTo("{\"id\":\"ID\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"" + M + "\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Let me see\",\"signature\":\"\"},"
                    + "{\"type\":\"text\",\"text\":\"Hello there!\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":26,\"output_tokens\":3}}");
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.path("think").asBoolean()).isTrue();
            assertThat(params.path("options").path("num_predict").asInt()).isEqualTo(100);
        }
    }

    @Test
    void aStreamSendsAnthropicsEventsInOrder() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> {
                node.thinking(id, "Hmm");
                node.content(id, "Hel");
                node.content(id, "lo");
                node.doneWithMetrics(id, "length");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("text/event-stream");
            var events = events(res.body());
            assertThat(events.stream().map(e -> e[0])).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                    "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                    "message_delta", "message_stop");
            assertThat(Bodies.json(events.get(0)[1]).path("message").path("content")).isEmpty();
            assertThat(events.get(2)[1]).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}");
            assertThat(events.get(3)[1]).isEqualTo("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm\"}}");
            assertThat(events.get(5)[1]).isEqualTo("{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            assertThat(events.get(7)[1]).isEqualTo("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}");
            assertThat(events.get(9)[1]).isEqualTo("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},"
                    + "\"usage\":{\"input_tokens\":26,\"output_tokens\":3}}");
        }
    }

    @Test
    void toolUseAndToolResultBlocksRoundTripThroughOllamasToolShape() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> {
                node.toolCalls(id, "[{\"id\":\"call_2\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}}]");
                node.doneWithMetrics(id, "stop");
            });
            String body = "{\"model\":\"" + M + "\",\"max_tokens\":50,\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\",\"text\":\"Use tools.\"}],"
                    + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
                    + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],\"tool_choice\":{\"type\":\"auto\"},"
                    + "\"stop_sequences\":[\"END\"],\"temperature\":0.5,\"top_k\":40,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":\"system\",\"content\":\"Reminder.\"},"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":[{\"type\":\"text\",\"text\":\"18C\"}]},"
                    + "{\"type\":\"text\",\"text\":\"And Oslo?\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0K\"}}]}]}";
            var res = hub.post(PATH, body);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode msg = Bodies.json(res.body());
            assertThat(msg.path("stop_reason").asText()).isEqualTo("tool_use");
            assertThat(msg.path("content").toString()).isEqualTo("[{\"type\":\"tool_use\",\"id\":\"call_2\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}]");
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\\nUse tools.\"},"
                    + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":\"system\",\"content\":\"Reminder.\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":[{\"id\":\"toolu_1\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                    + "{\"role\":\"tool\",\"content\":\"18C\",\"tool_name\":\"get_weather\",\"tool_call_id\":\"toolu_1\"},"
                    + "{\"role\":\"user\",\"content\":\"And Oslo?\",\"images\":[\"iVBORw0K\"]}]");
            assertThat(params.path("tools").toString()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]");
            assertThat(params.path("options").toString()).isEqualTo("{\"num_predict\":50,\"temperature\":0.5,\"top_k\":40,\"stop\":[\"END\"]}");
        }
    }

    @Test
    void aStreamedToolUseIsABlockWithOneInputJsonDelta() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> {
                node.content(id, "Let me check.");
                node.toolCalls(id, "[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}}]");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true,\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]}");
            var events = events(res.body());
            assertThat(events.stream().map(e -> e[0])).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                    "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
            JsonNode start = Bodies.json(events.get(5)[1]).path("content_block");
            assertThat(start.path("id").asText()).startsWith("toolu_");
            assertThat(start.path("name").asText()).isEqualTo("get_weather");
            assertThat(start.path("input").toString()).isEqualTo("{}");
            assertThat(events.get(6)[1]).isEqualTo("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}");
            assertThat(Bodies.json(events.get(8)[1]).path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        }
    }

    @Test
    void anUnknownModelIsA404InAnthropicsShape() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            var res = hub.post(PATH, "{\"model\":\"nope:1b\"," + ASK + ",\"stream\":true}");
            assertError(res, 404, "not_found_error", "model: nope:1b not found");
        }
    }

    @Test
    void badRequestsAreInvalidRequestErrors() throws Exception {
        try (var hub = HubFixture.start()) {
            assertError(hub.post(PATH, "{\"model\":\"" + M + "\"}"), 400, "invalid_request_error", "messages: Field required (an array)");
            assertError(hub.post(PATH, "{\"model\":\"" + M + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":"
                    + "{\"type\":\"url\",\"url\":\"http://x/y.png\"}}]}]}"), 400, "invalid_request_error", "messages.0.content: only base64 image sources are supported");
            assertError(hub.post(PATH, "{oops"), 400, "invalid_request_error", "invalid character 'o' looking for beginning of value");
        }
    }

    @Test
    void aFailureMidStreamIsAnErrorEventWithoutMessageStop() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.error(id, "ollama_error");
            });
            var events = events(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}").body());
            assertThat(events.stream().map(e -> e[0])).containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "error");
            assertThat(events.getLast()[1]).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"the model failed while answering\"}}");
        }
    }

    @Test
    void aFailureBeforeAnyOutputIsARealStatus() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.onRequestId(id -> node.error(id, "ollama_error"));
            assertError(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}"), 502, "api_error", "the model failed while answering");
        }
    }

    @Test
    void anIckKeyInXApiKeyIsCheckedLikeABearerKey() throws Exception {
        try (var hub = HubFixture.start(); var node = node(hub)) {
            node.servingWithMetrics(List.of("ok"));
            String key = ApiKeys.generate();
            hub.hub.ledger().addApiKey(ApiKeys.sha256(key), Identity.generate().publicKey(), "test");
            assertThat(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + "}", "x-api-key", key).statusCode()).isEqualTo(200);
            assertError(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + "}", "x-api-key", ApiKeys.generate()), 401,
                    "authentication_error", "invalid API key");
        }
    }

    @Test
    void theSharedChatRateLimitAnswersInAnthropicsShape() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 1)) {
            assertThat(hub.post(PATH, "{\"model\":\"nope:1b\"," + ASK + "}").statusCode()).isEqualTo(404);
            var limited = hub.post(PATH, "{\"model\":\"nope:1b\"," + ASK + "}");
            assertError(limited, 429, "rate_limit_error", "Too many requests");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void countTokensEstimatesTheWholePrompt() throws Exception {
        try (var hub = HubFixture.start()) {
            var res = hub.post(PATH + "/count_tokens", "{\"model\":\"" + M + "\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(res.statusCode()).isEqualTo(200);
            long n = Bodies.json(res.body()).path("input_tokens").asLong();
            assertThat(n).isBetween(3L, 20L);
            var withTools = hub.post(PATH + "/count_tokens", "{\"model\":\"" + M + "\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]}");
            assertThat(Bodies.json(withTools.body()).path("input_tokens").asLong()).isGreaterThan(n);
        }
    }

    static void assertError(HttpResponse<String> res, int status, String type, String message) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(Bodies.type(res.headers())).startsWith("application/json");
        assertThat(res.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}");
    }
}

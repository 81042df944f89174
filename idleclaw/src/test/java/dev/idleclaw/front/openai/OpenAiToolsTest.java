package dev.idleclaw.front.openai;

import static dev.idleclaw.front.Bodies.fields;
import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.openai.Completions.ASK;
import static dev.idleclaw.front.openai.Completions.PATH;
import static dev.idleclaw.front.openai.Completions.masked;
import static dev.idleclaw.front.openai.Completions.nowSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tools through the OpenAI face: request tools, tool-call answers, tool results in the history (openai-api.md §2–§5). */
class OpenAiToolsTest {
    static final String M = "llama3.2:3b";
    static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}}]";
    static final String TOKYO = "[{\"id\":\"call_k3b9x2q1\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]";

    @Test
    void requestToolsReachTheNodeAndToolCallsComeBackWithStringArguments() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.toolCalls(id, TOKYO);
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"tools\":" + TOOLS + ",\"tool_choice\":\"auto\"}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Completions.params(node).path("tools")).isEqualTo(json(TOOLS));
            JsonNode choice = json(res.body()).path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            JsonNode msg = choice.path("message");
            assertThat(fields(msg)).containsExactly("role", "content", "refusal", "tool_calls");
            assertThat(msg.path("content").isNull()).isTrue();
            assertThat(msg.path("refusal").isNull()).isTrue();
            JsonNode call = msg.path("tool_calls").get(0);
            assertThat(msg.path("tool_calls")).hasSize(1);
            assertThat(call.path("id").asText()).isEqualTo("call_k3b9x2q1");
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.path("function").toString()).isEqualTo("{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\"}\"}");
        }
    }

    @Test
    void streamedToolCallsArriveWholeWithIndexIdTypeThenFinishToolCalls() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.toolCalls(id, TOKYO);
                node.doneWithMetrics(id, "stop");
            });
            long before = nowSeconds();
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"tools\":" + TOOLS + ",\"stream\":true}");
            List<String> events = Bodies.sse(res.body());
            String head = "{\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"" + M
                    + "\",\"system_fingerprint\":\"fp_idleclaw\",\"choices\":[{\"index\":0,\"delta\":";
            assertThat(events).hasSize(3);
            assertThat(masked(events.get(0), before)).isEqualTo(head + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                    + "\"id\":\"call_k3b9x2q1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                    + "\"{\\\"city\\\":\\\"Tokyo\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}");
            assertThat(masked(events.get(1), before)).isEqualTo(head + "{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}");
            assertThat(events.get(2)).isEqualTo("[DONE]");

            node.onRequestId(id -> {
                node.toolCalls(id, "[{\"function\":{\"name\":\"a\",\"arguments\":{}}},{\"function\":{\"name\":\"b\",\"arguments\":{\"x\":1}}}]");
                node.done(id);
            });
            JsonNode calls = json(Bodies.sse(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"tools\":" + TOOLS + ",\"stream\":true}").body()).get(0))
                    .path("choices").get(0).path("delta").path("tool_calls");
            assertThat(calls).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(calls.get(i).path("index").asInt(-1)).isEqualTo(i);
                assertThat(calls.get(i).path("id").asText()).matches("call_[a-z0-9]{8,}");
                assertThat(calls.get(i).path("type").asText()).isEqualTo("function");
            }
            assertThat(calls.get(0).path("id")).isNotEqualTo(calls.get(1).path("id"));
            assertThat(calls.get(1).path("function").path("arguments").asText()).isEqualTo("{\"x\":1}");
        }
    }

    @Test
    void toolResultsBecomeOllamaToolMessagesNamedByTheEarlierCall() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(node::done);
            String messages = "[{\"role\":\"user\",\"content\":\"weather in Toronto?\"},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Toronto\\\"}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"11 degrees celsius\"}]";
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"messages\":" + messages + ",\"tools\":" + TOOLS + "}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Completions.params(node).path("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":\"weather in Toronto?\"},"
                    + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\",\"function\":{\"index\":0,"
                    + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Toronto\"}}}]},"
                    + "{\"role\":\"tool\",\"content\":\"11 degrees celsius\",\"tool_name\":\"get_weather\",\"tool_call_id\":\"call_1\"}]"));
        }
    }

    @Test
    void invalidToolCallArgumentsAre400() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            String messages = "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"x\"}]";
            Completions.assertError(hub.post(PATH, "{\"model\":\"" + M + "\",\"messages\":" + messages + "}"), 400,
                    "invalid tool call arguments", "invalid_request_error", null);
            assertThat(node.receives("inference_request", 100)).isFalse();
        }
    }
}

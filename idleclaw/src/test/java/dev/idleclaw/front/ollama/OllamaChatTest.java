package dev.idleclaw.front.ollama;

import static dev.idleclaw.front.Bodies.fields;
import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.Bodies.stamped;
import static dev.idleclaw.front.Bodies.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /api/chat} in Ollama's dialect: NDJSON framing, the final chunk, non-streaming, tool calls, what nodes get. */
class OllamaChatTest {
    static final String M = "llama3.2:3b";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static final String HEAD = "{\"model\":\"" + M + "\",\"created_at\":\"T\",";
    static final String METRICS = "\"total_duration\":182242375,\"load_duration\":41295167,\"prompt_eval_count\":26,"
            + "\"prompt_eval_duration\":24573166,\"eval_count\":3,\"eval_duration\":115959084}";

    @Test
    void streamsOneCompactObjectPerLineEndingWithDoneAndAllMetrics() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M).servingWithMetrics(List.of("Hel", "lo"))) {
            var res = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            assertThat(Bodies.ndjson(res.body()).stream().map(Bodies::stamped)).containsExactly(
                    HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}",
                    HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}",
                    HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"," + METRICS);
        }
    }

    @Test
    void aLegacyNodeWithoutMetricsStillGetsSixMetricsAndStreamDefaultsToTrue() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hi");
                node.done(id);
            });
            var res = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"keep_alive\":\"5m\"}");
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            List<String> lines = Bodies.ndjson(res.body());
            assertThat(lines).hasSize(2);
            JsonNode last = json(lines.get(1));
            assertThat(fields(last)).containsExactly("model", "created_at", "message", "done", "done_reason", "total_duration",
                    "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration");
            assertThat(last.path("total_duration").asLong()).isPositive();
            for (String k : List.of("load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration")) {
                assertThat(last.path(k).isIntegralNumber()).isTrue();
                assertThat(last.path(k).asLong()).as(k).isZero();
            }
        }
    }

    @Test
    void withoutStreamingContentThinkingAndToolCallsAreCollectedIntoOneObject() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "qwen3:8b")) {
            node.onRequestId(id -> {
                node.thinking(id, "Hmm");
                node.thinking(id, "ing");
                node.content(id, "Hel");
                node.content(id, "lo");
                node.toolCalls(id, "[{\"id\":\"call_k3b9x2q1\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]");
                node.doneWithMetrics(id, "stop");
            });
            // Tool calls are relayed only when the request offered tools.
            var res = hub.post("/api/chat", "{\"model\":\"qwen3:8b\"," + ASK + ",\"stream\":false,\"think\":true,"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(type(res.headers())).isEqualTo(type("application/json; charset=utf-8"));
            assertThat(stamped(res.body())).isEqualTo("{\"model\":\"qwen3:8b\",\"created_at\":\"T\",\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Hello\",\"thinking\":\"Hmming\",\"tool_calls\":[{\"id\":\"call_k3b9x2q1\",\"function\":{\"index\":0,"
                    + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]},\"done\":true,\"done_reason\":\"stop\"," + METRICS);
        }
    }

    @Test
    void toolCallsKeepOnlyIdAndFunctionWithIdsAndIndexesFilledIn() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.toolCalls(id, "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}},"
                        + "{\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\\\"JST\\\"}\"}}]");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post("/api/chat", "{\"model\":\"" + M + "\"," + ASK + ",\"tools\":[{\"type\":\"function\",\"function\":"
                    + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
            List<String> lines = Bodies.ndjson(res.body());
            assertThat(lines).hasSize(2);
            JsonNode msg = json(lines.get(0)).path("message");
            assertThat(fields(msg)).containsExactly("role", "content", "tool_calls");
            assertThat(msg.path("content").asText()).isEmpty();
            JsonNode calls = msg.path("tool_calls");
            assertThat(calls).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode call = calls.get(i);
                assertThat(fields(call)).containsExactly("id", "function");
                assertThat(call.path("id").asText()).matches("call_[a-z0-9]{8}");
                assertThat(fields(call.path("function"))).containsExactly("index", "name", "arguments");
                assertThat(call.path("function").path("index").asInt(-1)).isEqualTo(i);
                assertThat(call.path("function").path("arguments").isObject()).isTrue();
            }
            assertThat(calls.get(0).path("id")).isNotEqualTo(calls.get(1).path("id"));
            assertThat(calls.get(1).path("function").toString()).isEqualTo("{\"index\":1,\"name\":\"get_time\",\"arguments\":{\"tz\":\"JST\"}}");
            assertThat(json(lines.get(1)).path("done_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void theNodeGetsTheRequestAsSentWithoutAnIdleClawSystemPrompt() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "qwen3:8b")) {
            node.onRequestId(node::done);
            String messages = "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"weather in Toronto?\",\"images\":[\"aGVsbG8=\"]},"
                    + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Toronto\"}}}]},"
                    + "{\"role\":\"tool\",\"content\":\"11 degrees celsius\",\"tool_name\":\"get_weather\"}]";
            String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
            String format = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}}}";
            String options = "{\"temperature\":0.2,\"num_predict\":64,\"stop\":[\"END\"],\"seed\":7}";
            var res = hub.post("/api/chat", "{\"model\":\"qwen3:8b\",\"messages\":" + messages + ",\"tools\":" + tools + ",\"format\":" + format
                    + ",\"options\":" + options + ",\"keep_alive\":\"10m\",\"think\":\"high\",\"stream\":false,\"unknown_key\":1}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.path("model").asText()).isEqualTo("qwen3:8b");
            assertThat(params.path("messages")).isEqualTo(json(messages));
            assertThat(params.path("tools")).isEqualTo(json(tools));
            assertThat(params.path("format")).isEqualTo(json(format));
            assertThat(params.path("options")).isEqualTo(json(options));
            assertThat(params.path("keep_alive").asText()).isEqualTo("10m");
            assertThat(params.path("think").asText()).isEqualTo("high");
            assertThat(params.path("stream").asBoolean()).isTrue();
            assertThat(params.has("unknown_key")).isFalse();

            hub.post("/api/chat", "{\"model\":\"qwen3:8b\"," + ASK + ",\"stream\":true}");
            JsonNode plain = node.nextOfType("inference_request").path("ollama_params");
            assertThat(plain.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
            assertThat(fields(plain)).containsExactly("model", "messages", "stream");
        }
    }

    @Test
    void emptyMessagesLoadAndKeepAliveZeroUnloadsWithoutReachingANode() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            var load = hub.post("/api/chat", "{\"model\":\"" + M + "\",\"messages\":[],\"stream\":true}");
            assertThat(load.statusCode()).isEqualTo(200);
            assertThat(type(load.headers())).isEqualTo(type("application/json; charset=utf-8"));
            assertThat(stamped(load.body()))
                    .isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"load\"}");
            var unload = hub.post("/api/chat", "{\"model\":\"" + M + "\",\"keep_alive\":0}");
            assertThat(stamped(unload.body()))
                    .isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"unload\"}");
            // `ollama stop` sends Go's Duration(0).String(): "0s".
            var stop = hub.post("/api/generate", "{\"model\":\"" + M + "\",\"keep_alive\":\"0s\"}");
            assertThat(stamped(stop.body())).isEqualTo(HEAD + "\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}");
            var unknown = hub.post("/api/chat", "{\"model\":\"nope:1b\",\"messages\":[],\"stream\":false}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("{\"error\":\"model 'nope:1b' not found\"}");
            assertThat(node.receives("inference_request", 200)).isFalse();
        }
    }
}

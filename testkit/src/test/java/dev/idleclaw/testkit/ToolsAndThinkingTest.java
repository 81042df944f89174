package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static dev.idleclaw.testkit.ChatValidationTest.assertError;
import static dev.idleclaw.testkit.Client.json;
import static dev.idleclaw.testkit.Client.keys;
import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.Behaviour.ToolCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ToolsAndThinkingTest {
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    private StandInOllama ollama;
    private Client client;

    @BeforeEach
    void start() {
        ollama = StandInOllama.start().model(StandInModel.of("llama3.2")).model(StandInModel.of("qwen3:8b"));
        ollama.behaviour(Behaviour.defaults().withToolCalls(ToolCall.of("get_weather", "{\"city\":\"Tokyo\"}"),
                ToolCall.of("get_time", "{\"zone\":\"JST\",\"precise\":true}")));
        client = new Client(ollama);
    }

    @AfterEach
    void stop() {
        ollama.close();
    }

    @Test
    void toolCallsArriveWholeInOneChunkWithOnlyIdAndFunction() {
        var chunks = lines(client.post("/api/chat", "{\"model\":\"llama3.2\"," + TOOLS + "," + HI + "}").body());
        assertThat(chunks).hasSize(2);
        var message = chunks.getFirst().path("message");
        assertThat(keys(message)).containsExactly("role", "content", "tool_calls");
        assertThat(message.path("content").asText()).isEmpty();
        var calls = message.path("tool_calls");
        assertThat(calls).hasSize(2);
        for (int i = 0; i < 2; i++) {
            var call = calls.get(i);
            assertThat(keys(call)).containsExactly("id", "function");
            assertThat(call.path("id").asText()).matches("call_[a-z0-9]{8}");
            assertThat(keys(call.path("function"))).containsExactly("index", "name", "arguments");
            assertThat(call.path("function").path("index").asInt()).isEqualTo(i);
            assertThat(call.path("function").path("arguments").isObject()).isTrue();
        }
        assertThat(calls.get(0).path("function").path("arguments").toString()).isEqualTo("{\"city\":\"Tokyo\"}");
        assertThat(calls.get(0).path("id").asText()).isNotEqualTo(calls.get(1).path("id").asText());
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("stop");
        assertThat(chunks.getLast().path("message").path("tool_calls").isMissingNode()).isTrue();
    }

    @Test
    void legacyToolShapeHasNoIdAndOmitsIndexZero() {
        ollama.behaviour(Behaviour.defaults().withLegacyToolShape(true)
                .withToolCalls(ToolCall.of("a", "{}"), ToolCall.of("b", "{\"x\":1}")));
        var calls = lines(client.post("/api/chat", "{\"model\":\"llama3.2\"," + TOOLS + "," + HI + "}").body())
                .getFirst().path("message").path("tool_calls");
        assertThat(calls.toString()).isEqualTo("[{\"function\":{\"name\":\"a\",\"arguments\":{}}},"
                + "{\"function\":{\"index\":1,\"name\":\"b\",\"arguments\":{\"x\":1}}}]");
    }

    @Test
    void withoutToolsInTheRequestTheModelAnswersInText() {
        var chunks = lines(client.post("/api/chat", "{\"model\":\"llama3.2\",\"tools\":[]," + HI + "}").body());
        assertThat(chunks).hasSize(6);
        assertThat(chunks).noneMatch(c -> c.path("message").has("tool_calls"));
    }

    @Test
    void nonStreamingReplyCollectsToolCalls() {
        var reply = json(client.post("/api/chat",
                "{\"model\":\"llama3.2\",\"stream\":false," + TOOLS + "," + HI + "}").body());
        assertThat(reply.path("message").path("content").asText()).isEmpty();
        assertThat(reply.path("message").path("tool_calls")).hasSize(2);
        assertThat(reply.path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void thinkingChunksComeBeforeContent() {
        ollama.behaviour(Behaviour.defaults().withThinking("Hmm", ", easy").withTokens("Hi"));
        var chunks = lines(client.post("/api/chat", "{\"model\":\"qwen3:8b\",\"think\":true," + HI + "}").body());
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(0).path("message").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Hmm\"}");
        assertThat(chunks.get(1).path("message").path("thinking").asText()).isEqualTo(", easy");
        assertThat(chunks.get(2).path("message").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"Hi\"}");
    }

    @Test
    void thinkLevelsCountAsThinkingAndNonStreamConcatenates() {
        ollama.behaviour(Behaviour.defaults().withThinking("a", "b").withTokens("c", "d"));
        var reply = json(client.post("/api/chat",
                "{\"model\":\"qwen3:8b\",\"think\":\"high\",\"stream\":false," + HI + "}").body());
        assertThat(reply.path("message").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"cd\",\"thinking\":\"ab\"}");
    }

    @Test
    void withoutThinkNoThinkingIsStreamed() {
        var chunks = lines(client.post("/api/chat", "{\"model\":\"qwen3:8b\",\"think\":false," + HI + "}").body());
        assertThat(chunks).noneMatch(c -> c.path("message").has("thinking"));
    }

    @Test
    void thinkOnANonThinkingModelIsRejected() {
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"think\":true," + HI + "}"), 400,
                "\"llama3.2\" does not support thinking");
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"think\":\"low\"," + HI + "}"), 400,
                "\"llama3.2\" does not support thinking");
    }
}

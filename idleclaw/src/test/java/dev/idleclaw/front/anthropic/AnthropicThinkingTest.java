package dev.idleclaw.front.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import org.junit.jupiter.api.Test;

/** {@code thinking} on the Anthropic door: passed on to models that can think, dropped (not refused) for others, as Ollama does. */
class AnthropicThinkingTest {
    static final String PLAIN = "llama3.2:3b";
    /** Claude Code's {@code thinking} and {@code output_config} on every turn, whatever the model. */
    static final String CLAUDE_CODE_THINKING = "\"thinking\":{\"type\":\"adaptive\",\"display\":\"omitted\"},\"output_config\":{\"effort\":\"high\"}";

    static StandInNode plainNode(HubFixture hub) throws Exception {
        ObjectNode m = NodeRegistration.model(PLAIN, 1000);
        m.putArray("capabilities").add("completion").add("tools");
        return StandInNode.registered(hub.port(), 2, m);
    }

    @Test
    void askingAModelThatCannotThinkToThinkIsAnsweredWithoutThinking() throws Exception {
        try (var hub = HubFixture.start(); var node = plainNode(hub)) {
            node.onRequestId(id -> {
                node.content(id, "Hello");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(AnthropicMessagesTest.PATH + "?beta=true", "{\"model\":\"" + PLAIN + "\"," + AnthropicMessagesTest.ASK + ","
                    + CLAUDE_CODE_THINKING + "}", "x-api-key", "sk-ant-anything");

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Bodies.json(res.body()).path("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Hello\"}]");
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.has("think")).as(params.toString()).isFalse();
        }
    }

    @Test
    void aModelThatCanThinkStillGetsThink() throws Exception {
        try (var hub = HubFixture.start(); var node = AnthropicMessagesTest.node(hub)) {
            node.onRequestId(id -> {
                node.content(id, "Hello");
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(AnthropicMessagesTest.PATH, "{\"model\":\"" + AnthropicMessagesTest.M + "\"," + AnthropicMessagesTest.ASK + ","
                    + CLAUDE_CODE_THINKING + "}");

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("think").asBoolean()).isTrue();
        }
    }
}

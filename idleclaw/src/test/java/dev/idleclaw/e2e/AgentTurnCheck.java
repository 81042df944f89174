package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.wire.RequestSize;
import java.util.ArrayList;
import java.util.List;

/** Checks that the chat a node sent its Ollama carried a whole {@link AgentTurn}, and room for it. */
public final class AgentTurnCheck {
    /** Ollama's context when a request sets no {@code num_ctx}: an agent's turn needs far more, or Ollama cuts it. */
    private static final int OLLAMA_DEFAULT_CONTEXT = 4_096;

    private AgentTurnCheck() {}

    /**
     * Asserts that {@code sent} (the body of the node's {@code /api/chat}) holds the system prompt whole, the
     * {@link AgentTurn#TOOLS} tools in order with their parameters' properties and required lists, every history
     * message in order (role, text, tool calls with their arguments, tool results, each result named by its tool
     * when {@code toolNames}), and an {@code options.num_ctx} the node set to fit the whole prompt and the answer.
     */
    public static void assertCarried(JsonNode sent, boolean toolNames) {
        JsonNode messages = sent.path("messages");
        assertThat(messages.size()).as("messages the node sent").isEqualTo(AgentTurn.MESSAGES);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        String system = messages.get(0).path("content").asText();
        assertThat(system.length()).isEqualTo(AgentTurn.SYSTEM_PROMPT_CHARS);
        assertThat(system).isEqualTo(AgentTurn.systemPrompt());
        assertTools(sent.path("tools"));
        List<AgentTurn.Message> history = AgentTurn.history();
        for (int i = 0; i < history.size(); i++) assertMessage(messages.get(i + 1), history.get(i), toolNames, i + 1);
        assertFits(sent);
    }

    /** Asserts that the node set {@code options.num_ctx} above Ollama's default to hold the prompt and the answer. */
    public static void assertFits(JsonNode sent) {
        JsonNode options = sent.path("options");
        RequestSize size = RequestSize.of(sent);
        long answer = options.path("num_predict").asLong(0);
        assertThat(options.path("num_ctx").isIntegralNumber()).as("options.num_ctx in %s", options).isTrue();
        assertThat(options.path("num_ctx").asLong())
                .as("num_ctx for a prompt of %d characters and an answer of %d tokens", size.promptChars(), answer)
                .isGreaterThan(OLLAMA_DEFAULT_CONTEXT)
                .isGreaterThanOrEqualTo(size.generousTokens() + answer)
                .isLessThanOrEqualTo(StandInModel.DEFAULT_CONTEXT_LENGTH);
    }

    private static void assertTools(JsonNode sent) {
        List<AgentTurn.Tool> tools = AgentTurn.tools();
        assertThat(sent.size()).as("tools the node sent").isEqualTo(AgentTurn.TOOLS);
        for (int i = 0; i < tools.size(); i++) {
            AgentTurn.Tool expected = tools.get(i);
            JsonNode function = sent.get(i).path("function");
            assertThat(sent.get(i).path("type").asText()).isEqualTo("function");
            assertThat(function.path("name").asText()).isEqualTo(expected.name());
            assertThat(function.path("description").asText()).isEqualTo(expected.description());
            JsonNode parameters = function.path("parameters");
            assertThat(parameters.path("type").asText()).isEqualTo("object");
            assertThat(names(parameters.path("properties"))).as("properties of %s", expected.name())
                    .isEqualTo(names(expected.parameters().path("properties")));
            assertThat(parameters.path("required")).as("required of %s", expected.name())
                    .isEqualTo(expected.parameters().path("required"));
        }
    }

    private static void assertMessage(JsonNode sent, AgentTurn.Message expected, boolean toolNames, int index) {
        String where = "message " + index;
        switch (expected) {
            case AgentTurn.Message.User u -> {
                assertThat(sent.path("role").asText()).as(where).isEqualTo("user");
                assertThat(sent.path("content").asText()).as(where).isEqualTo(u.text());
            }
            case AgentTurn.Message.Assistant a -> {
                assertThat(sent.path("role").asText()).as(where).isEqualTo("assistant");
                assertThat(sent.path("content").asText()).as(where).isEqualTo(a.text());
            }
            case AgentTurn.Message.ToolCall c -> {
                assertThat(sent.path("role").asText()).as(where).isEqualTo("assistant");
                assertThat(sent.path("tool_calls").size()).as(where).isEqualTo(1);
                JsonNode function = sent.path("tool_calls").get(0).path("function");
                assertThat(function.path("name").asText()).as(where).isEqualTo(c.tool());
                assertThat(function.path("arguments")).as(where).isEqualTo(c.arguments());
            }
            case AgentTurn.Message.ToolResult r -> {
                assertThat(sent.path("role").asText()).as(where).isEqualTo("tool");
                assertThat(sent.path("content").asText()).as(where).isEqualTo(r.text());
                if (toolNames) assertThat(sent.path("tool_name").asText()).as(where).isEqualTo(r.tool());
            }
        }
    }

    private static List<String> names(JsonNode object) {
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

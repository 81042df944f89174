package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.AgentTurn.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent-sized turn the client suites send is the size it claims, and valid for every API's message rules. */
class AgentTurnTest {
    @Test
    void theTurnHasTheClaimedSystemPromptToolsAndMessages() {
        assertThat(AgentTurn.systemPrompt()).hasSize(AgentTurn.SYSTEM_PROMPT_CHARS).matches("\\p{ASCII}*");
        var tools = AgentTurn.tools();
        assertThat(tools).hasSize(AgentTurn.TOOLS);
        assertThat(tools.stream().map(AgentTurn.Tool::name).distinct()).hasSize(AgentTurn.TOOLS);
        for (var t : tools) {
            assertThat(t.parameters().path("required")).as(t.name()).isNotEmpty();
            t.parameters().path("required").forEach(r -> assertThat(t.example().has(r.asText())).as(t.name()).isTrue());
            t.example().fieldNames().forEachRemaining(f -> assertThat(t.parameters().path("properties").has(f)).as(t.name()).isTrue());
        }
        assertThat(AgentTurn.history()).hasSize(AgentTurn.HISTORY_MESSAGES);
    }

    @Test
    void theHistoryAlternatesUserAndAssistantOnceToolResultsCountAsUserContentAndEndsWithAResult() {
        List<Message> history = AgentTurn.history();
        for (int i = 0; i < history.size(); i++) {
            boolean user = history.get(i) instanceof Message.User || history.get(i) instanceof Message.ToolResult;
            assertThat(user).as("message %d", i).isEqualTo(i % 2 == 0);
        }
        assertThat(history.getLast()).isInstanceOf(Message.ToolResult.class);
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i) instanceof Message.ToolResult r) {
                assertThat(history.get(i - 1)).isInstanceOfSatisfying(Message.ToolCall.class, c -> assertThat(c.id()).isEqualTo(r.id()));
            }
        }
        assertThat(history.stream().filter(Message.ToolCall.class::isInstance).map(m -> ((Message.ToolCall) m).tool()).distinct())
                .hasSize(AgentTurn.TOOLS);
    }
}

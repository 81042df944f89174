package dev.idleclaw.clients.claudecode;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.testkit.Behaviour;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code CLI runs one non-interactive turn through the hub's Anthropic door, a real node agent and the
 * stand-in Ollama, and prints the stand-in's answer.
 */
class ClaudeCodeAgentTest {
    /** Claude Code's top-level system prompt is ~6.9k characters; anything under this means it was cut or lost. */
    private static final int MIN_SYSTEM_CHARS = 5_000;
    /** Claude Code 2.1.332 offers twelve client tools in a {@code -p} turn, all plain (custom) tools. */
    private static final int TOOLS = 12;
    /** Claude Code offers tools, yet the stand-in must answer in text, or the agent would loop calling them. */
    private static final Behaviour TEXT_ANSWER = Behaviour.defaults();

    private static ClaudeCode claude;
    private static ClientNetwork network;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        claude = ClaudeCode.installed();
        network = new ClientNetwork();
        work = Path.of(System.getProperty("idleclaw.buildDirectory", "target"), "claude-code");
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @BeforeEach
    void answerInText() {
        network.reset();
        network.ollama.behaviour(MODEL, TEXT_ANSWER);
    }

    @Test
    void oneTurnThroughTheHubPrintsTheStandInsAnswer() throws Exception {
        ClaudeCode.Turn turn = claude.turn(network.net.url(), MODEL, "Say hello", work);

        assertThat(turn.exitCode()).as("%s", turn).isZero();
        assertThat(turn.stdout()).as("%s", turn).contains(TEXT);
    }

    @Test
    void theAgentsWholePromptAndToolsReachTheNode() throws Exception {
        ClaudeCode.Turn turn = claude.turn(network.net.url(), MODEL, "Say hello", work);
        assertThat(turn.exitCode()).as("%s", turn).isZero();

        JsonNode chat = network.nextChat().json();
        assertThat(chat.path("model").asText()).isEqualTo(MODEL);
        List<JsonNode> systems = new ArrayList<>();
        chat.path("messages").forEach(m -> {
            if (m.path("role").asText().equals("system")) systems.add(m);
        });
        assertThat(chat.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(systems).as("the top-level system and the system-role message inside messages").hasSize(2)
                .allSatisfy(m -> assertThat(m.path("content").asText().length()).isGreaterThan(MIN_SYSTEM_CHARS));
        assertThat(chat.path("messages").findValuesAsText("content")).anyMatch(c -> c.contains("Say hello"));
        assertThat(chat.path("tools")).hasSize(TOOLS);
        assertThat(chat.path("tools").findValuesAsText("name")).contains("Bash", "Read", "Edit", "Write");
        assertThat(network.chatCount()).as("one turn, one request: no side requests, no retries").isEqualTo(1);
    }

    @Test
    void aStreamThatFailsMidwayIsAnsweredByClaudeCodesNonStreamedRetry() throws Exception {
        network.ollama.behaviourOnce(MODEL, Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));

        ClaudeCode.Turn turn = claude.turn(network.net.url(), MODEL, "Say hello", work);

        assertThat(turn.exitCode()).as("%s", turn).isZero();
        assertThat(turn.stdout()).as("%s", turn).contains(TEXT);
        assertThat(network.chatCount()).as("the failed stream, then the same request without streaming").isEqualTo(2);
    }
}

package dev.idleclaw.clients.codex;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.relay.ChatSink;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Codex CLI runs one {@code codex exec} turn through the hub's {@code /v1/responses} door, a real node agent
 * and the stand-in Ollama. Codex sends its whole agent prompt (two long developer messages, function, namespace and
 * web-search tools) and counts the turn done only when the stream ends with {@code response.completed}.
 */
class CodexAgentTest {
    /** Codex's own instructions are about 17,000 characters; anything this long is the agent prompt, not ours. */
    private static final int AGENT_PROMPT_CHARS = 5_000;
    /** Codex 0.171 offers 7 function tools; its {@code namespace} and {@code web_search} tools cannot run on a node. */
    private static final int FUNCTION_TOOLS = 7;
    /** Codex always offers tools; a text answer ends the turn (a tool call would start another step). */
    private static final Behaviour TEXT_ANSWER = Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS);
    private static final String PROMPT = "Greet me in one short sentence.";

    private static ClientNetwork network;
    private static Path codex;

    @BeforeAll
    static void start() throws Exception {
        codex = Codex.install();
        network = new ClientNetwork();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() {
        network.ollama.clear();
    }

    @Test
    void codexExecPrintsTheStandInsAnswerAfterOneTurnThroughTheHub() throws Exception {
        network.ollama.behaviour(TEXT_ANSWER);

        Codex.Turn turn = run();

        assertThat(turn.exit()).as(turn.transcript()).isZero();
        assertThat(turn.stdout()).as(turn.transcript()).contains(TEXT);
        assertThat(turn.lastMessage()).as(turn.transcript()).isEqualToIgnoringWhitespace(TEXT);
        List<RecordedRequest> chats = chats();
        assertThat(chats).as(turn.transcript()).hasSize(1);
        JsonNode chat = chats.getFirst().json();
        JsonNode first = chat.path("messages").path(0);
        assertThat(first.path("role").asText()).isEqualTo("system");
        assertThat(first.path("content").asText().length()).isGreaterThan(AGENT_PROMPT_CHARS);
        List<String> roles = new ArrayList<>();
        chat.path("messages").forEach(m -> roles.add(m.path("role").asText()));
        assertThat(roles).startsWith("system", "system").endsWith("user");
        assertThat(chat.path("messages").path(roles.size() - 1).path("content").asText()).isEqualTo(PROMPT);
        List<String> tools = new ArrayList<>();
        chat.path("tools").forEach(t -> tools.add(t.path("function").path("name").asText()));
        assertThat(tools).hasSize(FUNCTION_TOOLS).contains("exec_command");
    }

    @Test
    void aNodeFailingMidAnswerFailsTheTurnInsteadOfPrintingHalfAnAnswer() throws Exception {
        network.ollama.behaviour(TEXT_ANSWER.withErrorAfter(2, Behaviour.RUNNER_ERROR));

        Codex.Turn turn = run();

        assertThat(turn.exit()).as(turn.transcript()).isNotZero();
        assertThat(turn.stdout()).as(turn.transcript()).doesNotContain(TEXT);
        // The hub's response.failed message, which Codex reports as the turn's error.
        assertThat(turn.stderr()).as(turn.transcript()).contains(FailureText.of(ChatSink.Failure.NODE_ERROR, null));
        assertThat(chats()).as("no hidden retry").hasSize(1);
    }

    private static Codex.Turn run() throws IOException, InterruptedException {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "codex-home");
        return Codex.exec(codex, home.toAbsolutePath(), network.v1(), MODEL, PROMPT);
    }

    private static List<RecordedRequest> chats() {
        return network.ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).toList();
    }
}

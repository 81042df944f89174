package dev.idleclaw.clients.openclaw;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.testkit.Behaviour;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OpenClaw agent CLI runs one non-interactive turn with its built-in Ollama provider pointed at the hub:
 * it lists the hub's models, inspects them with {@code /api/show}, and streams an agent-sized {@code /api/chat}
 * (a system prompt of over 20,000 characters and a dozen tools) that a real node relays to the stand-in Ollama.
 */
class OpenClawAgentTest {
    /** OpenClaw's system prompt is ~22k characters; anything near it proves the prompt was not cut on the way. */
    private static final int AGENT_SYSTEM_PROMPT_CHARS = 15_000;
    /** OpenClaw's coding tool surface offers about a dozen tools. */
    private static final int AGENT_TOOLS = 5;
    /** OpenClaw asks for a 32,768-token context on local Ollama models whose window is at least that large. */
    private static final int OPENCLAW_NUM_CTX = 32_768;

    private static ClientNetwork network;
    private static OpenClawCli openclaw;

    @BeforeAll
    static void start() throws Exception {
        openclaw = OpenClawCli.install(Path.of("target", "openclaw-run").toAbsolutePath());
        network = new ClientNetwork();
        // The agent offers tools on every turn; answer in text so that the turn ends after one round trip.
        network.ollama.behaviour(Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS));
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Test
    void anAgentTurnThroughTheHubPrintsTheStandInsAnswer() throws Exception {
        var run = openclaw.agentExec(openclaw.configFor(network.net.url()), "ollama/" + MODEL, "Say hello");

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout().strip()).as("%s", run).isEqualTo(TEXT);

        JsonNode chat = network.nextChat().json();
        assertThat(chat.path("model").asText()).isEqualTo(MODEL);
        JsonNode system = chat.path("messages").path(0);
        assertThat(system.path("role").asText()).isEqualTo("system");
        assertThat(system.path("content").asText().length()).isGreaterThan(AGENT_SYSTEM_PROMPT_CHARS);
        assertThat(chat.path("tools").size()).isGreaterThanOrEqualTo(AGENT_TOOLS);
        assertThat(chat.path("options").path("num_ctx").asInt()).isEqualTo(OPENCLAW_NUM_CTX);
        assertThat(chat.path("messages").findValuesAsText("content")).anyMatch(c -> c.contains("Say hello"));
    }
}

package dev.idleclaw.clients.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Behaviour.ToolCall;
import dev.idleclaw.testkit.RecordedRequest;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IdleClaw skill ({@code integrations/openclaw/skill/idleclaw}) in the real OpenClaw: loaded from
 * {@code skills.load.extraDirs} and reported ready when the release launcher is on {@code PATH}, and used by an agent
 * turn whose model is served by a hub. The stand-in model cannot read instructions, so its tool calls are scripted
 * from {@code SKILL.md} itself (read the skill, run its check, its {@code status} and its {@code consume} exactly as
 * written, with the placeholders filled in); everything else is real: OpenClaw offers the skill, runs the commands
 * with its {@code exec} tool, the launcher runs the jar on a JDK 25, {@code consume} asks the hub, a node answers
 * from its Ollama, and the answer comes back to the agent as the tool result.
 */
class OpenClawSkillTest {
    /** The model of the agent turn itself, served by the hub like any other. */
    static final String AGENT_MODEL = "llama3.2:3b";
    /** The model the skill's {@code consume} asks. */
    static final String SERVED_MODEL = "qwen2.5:0.5b";
    static final String QUESTION = "Why is the sky blue?";
    /** How long the agent's {@code exec} waits for a command before backgrounding it (OpenClaw's default: 10 s). */
    static final int EXEC_WAIT_MS = 60_000;
    static final List<String> ANSWER = List.of("Rayleigh", " scattering", " makes", " the", " sky", " blue", ".");

    private static StandInOllama ollama;
    private static Network network;
    private static OpenClawCli openclaw;
    private static SkillFiles skill;

    @BeforeAll
    static void start() throws Exception {
        skill = SkillFiles.fromCheckout();
        openclaw = OpenClawCli.install(Path.of("target", "openclaw-skill-run").toAbsolutePath());
        ollama = StandInOllama.start().model(StandInModel.of(AGENT_MODEL)).model(StandInModel.of(SERVED_MODEL))
                .behaviour(SERVED_MODEL, Behaviour.defaults().withTokens(ANSWER));
        network = new Network();
        network.addNode(ollama);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
        if (ollama != null) ollama.close();
    }

    @Test
    void openClawLoadsTheSkillFromExtraDirsAndReportsItReady() throws Exception {
        Path release = skill.releaseLayout(openclaw.dir().resolve("release"));
        var run = openclaw.run(config(), env(), release, "skills", "info", "idleclaw", "--json");

        assertThat(run.exit()).as("%s", run).isZero();
        JsonNode info = Json.parse(run.stdout());
        assertThat(info.path("name").asText()).as("%s", run).isEqualTo("idleclaw");
        assertThat(info.path("eligible").asBoolean()).as("%s", run).isTrue();
        assertThat(info.path("filePath").asText()).as("%s", run).isEqualTo(skill.dir().resolve("SKILL.md").toString());
    }

    @Test
    void withoutTheLauncherOnPathTheSkillIsNotReadyAndSaysWhatIsMissing() throws Exception {
        var run = openclaw.run(config(), env(), "skills", "info", "idleclaw", "--json");

        assertThat(run.exit()).as("%s", run).isZero();
        JsonNode info = Json.parse(run.stdout());
        assertThat(info.path("eligible").asBoolean()).as("%s", run).isFalse();
        assertThat(info.path("missing").path("bins").toString()).as("%s", run).contains("idleclaw");
    }

    @Test
    void anAgentTurnRunsTheSkillsConsumeAndGetsTheNetworksAnswer() throws Exception {
        Path release = skill.releaseLayout(openclaw.dir().resolve("release"));
        String check = skill.command("bash {baseDir}/scripts/check.sh");
        String status = skill.command("idleclaw status");
        String consume = skill.command("idleclaw consume --model").replace("<model-name>", SERVED_MODEL)
                .replace("<your message>", QUESTION);
        ollama.clear();
        // One scripted call per model request, in order; then the model's usual text answer. (Not tool rounds: OpenClaw
        // appends a user message of internal context after each tool result, so every request looks like a first round.)
        ollama.behaviour(AGENT_MODEL, Behaviour.defaults());
        for (ToolCall call : List.of(ToolCall.of("read", Json.write(Json.object().put("path", skill.dir().resolve("SKILL.md").toString()))),
                exec(check), exec(status), exec(consume))) {
            ollama.behaviourOnce(AGENT_MODEL, Behaviour.defaults().withToolCalls(call));
        }

        var run = openclaw.agentExec(config(), "ollama/" + AGENT_MODEL, "Ask the IdleClaw network: " + QUESTION, env(), release);

        List<JsonNode> turns = agentChats();
        // the model's side of the turn, for reading when an assertion fails (the scratch directory keeps it)
        Files.writeString(openclaw.dir().resolve("agent-chats.json"), Json.write(turns));
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout().strip()).as("%s", run).isEqualTo(String.join("", Behaviour.DEFAULT_TOKENS));
        assertThat(turns).as("one model call per tool round, then the answer").hasSize(5);
        String system = turns.getFirst().path("messages").path(0).path("content").asText();
        assertThat(system).as("the skill is offered to the model").contains("idleclaw", skill.dir().resolve("SKILL.md").toString());
        assertThat(toolResult(turns.get(1))).contains("# IdleClaw", "## Security");
        assertThat(toolResult(turns.get(2))).contains("ok: idleclaw " + release.resolve("idleclaw")).contains("java 25");
        assertThat(toolResult(turns.get(3))).contains("ONLINE", SERVED_MODEL);
        assertThat(toolResult(turns.get(4))).as("consume's answer, through the hub and a node").contains(String.join("", ANSWER));
        JsonNode asked = servedChats().getFirst();
        assertThat(asked.path("messages").findValuesAsText("content")).contains(QUESTION);
    }

    private static ToolCall exec(String command) {
        // a JVM start on a busy machine can pass exec's 10 s default, after which the command would go to the background
        return ToolCall.of("exec", Json.write(Json.object().put("command", command).put("yieldMs", EXEC_WAIT_MS)));
    }

    /** The text of the last tool result an agent request carries. */
    private static String toolResult(JsonNode chat) {
        JsonNode messages = chat.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("tool")) return messages.get(i).path("content").asText();
        }
        throw new AssertionError("no tool result in " + chat);
    }

    private static List<JsonNode> agentChats() { return chats(AGENT_MODEL); }

    private static List<JsonNode> servedChats() { return chats(SERVED_MODEL); }

    private static List<JsonNode> chats(String model) {
        return ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).map(RecordedRequest::json)
                .filter(j -> j.path("model").asText().equals(model)).toList();
    }

    /**
     * OpenClaw's config: the hub as its Ollama provider, the checkout's skill folder in {@code extraDirs}, commands run
     * on this host without approval prompts (the default for a gateway host, said explicitly).
     */
    private static Path config() throws Exception {
        String config = """
                {
                  models: { providers: { ollama: { baseUrl: "%s", apiKey: "x", api: "ollama", models: [] } } },
                  skills: { load: { extraDirs: ["%s"] } },
                  tools: { exec: { host: "gateway", mode: "full" } },
                }
                """.formatted(network.url(), skill.dir().getParent());
        return Files.writeString(openclaw.dir().resolve("openclaw.json5"), config);
    }

    /** What the skill's commands need: the hub, a JDK 25 (the one running this test), files kept out of any home. */
    private static Map<String, String> env() throws Exception {
        return Map.of("IDLECLAW_SERVER", network.url(), "JAVA_HOME", System.getProperty("java.home"),
                "IDLECLAW_DATA_DIR", Files.createDirectories(openclaw.dir().resolve("idleclaw-data")).toString());
    }
}

package dev.idleclaw.clients.openclaw;

import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.Announcer;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeersFile;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IdleClaw provider plugin in the real OpenClaw: built from {@code integrations/openclaw/provider} with the pinned
 * TypeScript, installed with {@code openclaw plugins install}, then {@code openclaw onboard --non-interactive
 * --auth-choice idleclaw} against a hub with a node on the stand-in Ollama. Answered no, onboarding writes the hub and
 * its models (with the windows the hub reports) and opts in to nothing, and an agent turn runs through the provider;
 * answered yes (through the plugin's documented variables), it runs the real {@code idleclaw peers sync} against a
 * real tracker and starts a real {@code idleclaw contribute} that joins the hub.
 */
class OpenClawProviderPluginTest {
    /** A contributed node registers within a few seconds; a loaded CI machine may take longer to start the JVM. */
    private static final Duration JOIN_WAIT = Duration.ofSeconds(60);
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+),");

    private static ClientNetwork network;
    private static OpenClawCli openclaw;
    private static Path installedConfig;
    private static Path launcher;

    @BeforeAll
    static void start() throws Exception {
        openclaw = OpenClawCli.install(Path.of("target", "openclaw-provider-run").toAbsolutePath());
        Path plugin = ProviderPlugin.build(Path.of("target", "idleclaw-provider").toAbsolutePath());
        network = new ClientNetwork();
        // The agent offers tools on every turn; answer in text so that the turn ends after one round trip.
        network.ollama.behaviour(Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS));
        launcher = launcher(openclaw.dir());

        installedConfig = Files.writeString(openclaw.dir().resolve("installed.json"), "{}\n");
        var install = openclaw.run(installedConfig, Map.of(), "plugins", "install", "--force", "--accept-capabilities", plugin.toString());
        assertThat(install.exit()).as("%s", install).isZero();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Test
    void onboardingAnsweredNoWritesTheHubAndItsModelsOptsInToNothingAndServesAnAgentTurn() throws Exception {
        Path config = copyOfInstalled("answered-no.json");
        Path data = openclaw.dir().resolve("data-no");
        var run = onboard(config, Map.of("IDLECLAW_DATA_DIR", data.toString()));

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stdout()).as("%s", run).contains("Peer discovery: off").contains("Contributing: off");
        JsonNode provider = Json.parse(Files.readString(config)).at("/models/providers/idleclaw");
        assertThat(provider.path("baseUrl").asText()).isEqualTo(network.v1());
        assertThat(provider.path("api").asText()).isEqualTo("openai-completions");
        assertThat(provider.path("models").findValuesAsText("id")).containsExactlyInAnyOrder(MODEL, BROKEN);
        for (JsonNode m : provider.path("models")) {
            assertThat(m.path("contextWindow").asInt()).as("%s", m).isEqualTo(StandInModel.DEFAULT_CONTEXT_LENGTH);
        }
        assertThat(Json.parse(Files.readString(config)).at("/agents/defaults/model/primary").asText()).isEqualTo("idleclaw/" + MODEL);
        assertThat(data).as("no peers file, no contribute log: nothing was run").doesNotExist();
        assertThat(network.net.hub.registry().registered()).hasSize(1);

        var turn = openclaw.agentExec(config, "idleclaw/" + MODEL, "Say hello");
        assertThat(turn.exit()).as("%s", turn).isZero();
        assertThat(turn.stdout().strip()).as("%s", turn).isEqualTo(TEXT);
        JsonNode chat = network.nextChat().json();
        assertThat(chat.path("model").asText()).isEqualTo(MODEL);
        assertThat(chat.path("messages").findValuesAsText("content")).anyMatch(c -> c.contains("Say hello"));
    }

    @Test
    void onboardingAnsweredYesSyncsPeersFromTheTrackerAndContributesThisMachinesOllama() throws Exception {
        try (var tracker = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.LOCAL))) {
            String trackerUrl = "http://127.0.0.1:" + tracker.port();
            Identity announced = Identity.generate();
            var announcer = new Announcer(new Announcer.Settings(URI.create(trackerUrl), network.net.url(), "provider-test",
                    null, 300, Duration.ofMinutes(1)), announced, () -> List.of(MODEL));
            assertThat(announcer.announce().accepted()).isTrue();

            Path config = copyOfInstalled("answered-yes.json");
            Path data = openclaw.dir().resolve("data-yes");
            Map<String, String> env = new HashMap<>(Map.of(
                    "IDLECLAW_DATA_DIR", data.toString(),
                    "IDLECLAW_ONBOARD_SYNC_TRACKER", trackerUrl,
                    "IDLECLAW_ONBOARD_CONTRIBUTE_TO", network.net.url(),
                    "IDLECLAW_PEERS_LOCAL", "true",
                    "OLLAMA_HOST", network.ollama.baseUrl()));
            var run = onboard(config, env);
            Long pid = null;
            try {
                assertThat(run.exit()).as("%s", run).isZero();
                var started = PID.matcher(run.stdout());
                assertThat(started.find()).as("%s", run).isTrue();
                pid = Long.parseLong(started.group(1));
                assertThat(run.stdout()).as("%s", run)
                        .contains("ran: " + launcher + " peers sync " + trackerUrl + " (exit 0)")
                        .contains("synced 1 peer(s)")
                        .contains("started: " + launcher + " contribute --server " + network.net.url());

                List<Peer> peers = PeersFile.read(data.resolve("peers.json"), System.currentTimeMillis());
                assertThat(peers).extracting(Peer::pubkey, Peer::url).containsExactly(org.assertj.core.groups.Tuple.tuple(announced.publicKey(), network.net.url()));
                await().atMost(JOIN_WAIT).until(() -> network.net.hub.registry().registered().size() == 2);
            } finally {
                if (pid != null) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
            await().atMost(JOIN_WAIT).until(() -> network.net.hub.registry().registered().size() == 1);
        }
    }

    private static OpenClawCli.Run onboard(Path config, Map<String, String> env) throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.put("IDLECLAW_BIN", launcher.toString());
        return openclaw.run(config, all, "onboard", "--non-interactive", "--accept-risk", "--mode", "local",
                "--auth-choice", "idleclaw", "--custom-base-url", network.v1(), "--custom-model-id", MODEL,
                "--skip-channels", "--skip-skills", "--skip-search", "--skip-hooks", "--skip-health", "--skip-ui", "--no-install-daemon",
                "--workspace", openclaw.dir().resolve("workspace").toString());
    }

    private static Path copyOfInstalled(String name) throws IOException {
        return Files.copy(installedConfig, openclaw.dir().resolve(name));
    }

    /**
     * An {@code idleclaw} launcher for the plugin to run: the real CLI from this build's classes (what
     * {@code bin/idleclaw} runs from the jar), with Java's home inside the scratch directory.
     */
    private static Path launcher(Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = "#!/bin/sh\nexec '%s' --enable-native-access=ALL-UNNAMED -Duser.home='%s' -cp '%s' dev.idleclaw.cli.Main \"$@\"\n"
                .formatted(java, dir.resolve("home"), System.getProperty("java.class.path"));
        Path file = Files.writeString(Files.createDirectories(dir.resolve("bin")).resolve("idleclaw"), script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}

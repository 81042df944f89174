package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.cli.ContributeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Exit codes and messages of {@code idleclaw contribute} that need no running hub. */
class ContributeCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return run(new ContributeCommand(), args);
    }

    private int run(ContributeCommand command, String... args) {
        var cmd = new CommandLine(command);
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        return cmd.execute(args);
    }

    @Test
    void aBadServerAddressExitsTwoNamingTheOption() {
        assertThat(run("--server", "ftp://hub.example")).isEqualTo(2);
        assertThat(err.toString()).contains("--server");
    }

    @Test
    void maxConcurrentOutOfRangeExitsTwoNamingTheOption() {
        assertThat(run("--max-concurrent", "11")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-concurrent");
    }

    @Test
    void limitsCanOnlyBeLoweredAndBadOnesExitTwoNamingTheOption() {
        assertThat(run("--anonymous", "--max-messages", "2000")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-messages, --max-message-chars and --max-request-bytes can only lower");
        err.getBuffer().setLength(0);
        assertThat(run("--anonymous", "--max-request-bytes", "1000")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-request-bytes (limits.max_request_bytes) must be at least 65536, got 1000");
    }

    @Test
    void theLimitOptionsDefaultToTheNodesAgentSizedLimits() {
        var agent = dev.idleclaw.wire.NodeLimits.AGENT;
        assertThat(ContributeCommand.DEFAULT_MESSAGES).isEqualTo(Integer.toString(agent.maxMessages()));
        assertThat(ContributeCommand.DEFAULT_MESSAGE_CHARS).isEqualTo(Integer.toString(agent.maxMessageChars()));
        assertThat(ContributeCommand.DEFAULT_REQUEST_BYTES).isEqualTo(Integer.toString(agent.maxRequestBytes()));
    }

    @Test
    void aNonNumericMaxConcurrentExitsTwo() {
        assertThat(run("--max-concurrent", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-concurrent");
    }

    @Test
    void aCaCertThatIsNotACertificateExitsTwoNamingTheOption() throws Exception {
        var file = java.nio.file.Files.createTempFile("not-a-cert", ".pem");
        try {
            java.nio.file.Files.writeString(file, "hello");
            assertThat(run("--anonymous", "--ca-cert", file.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("--ca-cert " + file).contains("not a PEM certificate file");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void anUnreachableOllamaExitsThreeWithAOneLineReason() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run("--server", "http://127.0.0.1:1", "--ollama", "127.0.0.1:" + port)).isEqualTo(3);
        assertThat(err.toString().strip()).startsWith("idleclaw contribute: ").contains("ollama serve").doesNotContain("\n");
    }

    @Test
    void aHubAddressThatNeverWorksExitsFourNamingTheVariableItCameFrom() {
        try (var ollama = FakeOllama.start().model("m:1", 1_000L, null)) {
            var command = new ContributeCommand(Map.of("IDLECLAW_SERVER", "http://nohost.invalid:8000")::get);
            assertThat(run(command, "--ollama", ollama.baseUrl(), "--anonymous")).isEqualTo(ContributeCommand.EXIT_NO_HUB);
            assertThat(err.toString()).isEqualTo("idleclaw contribute: cannot connect to ws://nohost.invalid:8000/ws/node: "
                    + "unknown host 'nohost.invalid'; gave up after " + NodeAgent.PERMANENT_FAILURE_TRIES
                    + " tries (address from IDLECLAW_SERVER)" + System.lineSeparator());
        }
    }

    @Test
    void anOllamaWithoutModelsExitsThree() {
        try (var empty = FakeOllama.start()) {
            assertThat(run("--ollama", empty.baseUrl())).isEqualTo(3);
            assertThat(err.toString()).contains("ollama pull");
        }
    }

    @Test
    void helpDescribesEveryOptionWithItsEnvironmentVariableAndDefault() {
        var out = new StringWriter();
        var cmd = new CommandLine(new ContributeCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setUsageHelpWidth(200);
        assertThat(cmd.execute("--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("(env: IDLECLAW_SERVER, default: http://127.0.0.1:8000)")
                .contains("(env: OLLAMA_HOST, default: http://localhost:11434)")
                .contains("(env: IDLECLAW_MAX_CONCURRENT, default: 2)")
                .contains("(env: IDLECLAW_NODE_MAX_MESSAGES, default: 1000)")
                .contains("(env: IDLECLAW_NODE_MAX_REQUEST_BYTES, default: 16777216)");
    }
}

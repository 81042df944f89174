package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code consume} and {@code status} say what is wrong with the hub address, in one line naming where it came from:
 * an unknown host, a refused connection, a timeout, a TLS failure, or something that is not an IdleClaw hub.
 */
@Timeout(30)
class HubAddressTest {
    /** RFC 6761: never resolves. */
    static final String UNKNOWN = "http://nohost.invalid:8000";
    @TempDir
    Path dir;

    static String deadUrl() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static CliRun consume(Map<String, String> env, String... serverArgs) {
        var args = new java.util.ArrayList<>(java.util.List.of("--model", "m:1", "--prompt", "hi", "--anonymous"));
        args.addAll(java.util.List.of(serverArgs));
        return CliRun.command(new ConsumeCommand(env::get), args.toArray(String[]::new));
    }

    private static CliRun status(Map<String, String> env, String... serverArgs) {
        return CliRun.command(new StatusCommand(env::get), serverArgs);
    }

    @Test
    void anUnknownHostIsCalledThatAndNotConnectionRefused() {
        var c = consume(Map.of(), "--server", UNKNOWN);
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).isEqualTo("idleclaw consume: cannot reach hub at " + UNKNOWN
                + ": unknown host 'nohost.invalid' (address from --server)" + System.lineSeparator());
        var s = status(Map.of(), "--server", UNKNOWN);
        assertThat(s.exit()).isEqualTo(1);
        assertThat(s.out().strip()).isEqualTo("IdleClaw hub " + UNKNOWN + ": OFFLINE (unknown host 'nohost.invalid'; address from --server)");
    }

    @Test
    void aBadAddressFromTheEnvironmentNamesTheVariableNotTheFlag() {
        var env = Map.of("IDLECLAW_SERVER", UNKNOWN);
        var c = consume(env);
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).contains("unknown host 'nohost.invalid' (address from IDLECLAW_SERVER)").doesNotContain("--server");
        var s = status(env);
        assertThat(s.out()).contains("address from IDLECLAW_SERVER").doesNotContain("--server");
        var malformed = consume(Map.of("IDLECLAW_SERVER", "hub.example:8000"));
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err().strip()).isEqualTo("idleclaw consume: IDLECLAW_SERVER must be an http:// or https:// URL, got 'hub.example:8000'");
    }

    @Test
    void theFlagWinsOverTheEnvironment() throws Exception {
        String dead = deadUrl();
        var c = consume(Map.of("IDLECLAW_SERVER", UNKNOWN), "--server", dead);
        assertThat(c.err()).isEqualTo("idleclaw consume: cannot reach hub at " + dead
                + ": connection refused (address from --server)" + System.lineSeparator());
    }

    @Test
    void aRefusedConnectionWithNothingConfiguredSaysHowToSetTheAddress() throws Exception {
        var s = status(Map.of(), "--server", deadUrl());
        assertThat(s.out()).contains("OFFLINE (connection refused; address from --server)");
        var unset = HubClient.of(null, name -> null, null);
        assertThat(unset.base).isEqualTo("http://127.0.0.1:8000");
        assertThat(unset.origin).isEqualTo("default address, set --server or IDLECLAW_SERVER");
    }

    @Test
    void tlsToAPlainHttpPortIsATlsFailure() throws Exception {
        // A plain-HTTP server answers a TLS hello with 400, as nginx or Jetty do.
        try (var plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes());
                } catch (Exception ignored) {
                    // the test is over
                }
            });
            String https = "https://127.0.0.1:" + plain.getLocalPort();
            var c = consume(Map.of(), "--server", https);
            assertThat(c.exit()).isEqualTo(1);
            assertThat(c.err()).startsWith("idleclaw consume: cannot reach hub at " + https + ": TLS failed: ")
                    .endsWith("(address from --server)" + System.lineSeparator());
            assertThat(c.err().lines()).hasSize(1);
        }
    }

    @Test
    void timeoutsAreCalledTimeouts() {
        URI uri = URI.create("http://10.0.0.1:8000/health");
        assertThat(HubClient.describe(new HttpConnectTimeoutException("HTTP connect timed out"), uri)).isEqualTo("timed out connecting");
        assertThat(HubClient.describe(new HttpTimeoutException("request timed out"), uri)).isEqualTo("timed out waiting for an answer");
        assertThat(HubClient.describe(new ConnectException(), uri)).isEqualTo("connection refused");
    }

    @Test
    void anOllamaPortIsNotAHub() {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1"))) {
            var c = consume(Map.of(), "--server", ollama.baseUrl());
            assertThat(c.exit()).isEqualTo(1);
            assertThat(c.out()).isEmpty();
            assertThat(c.err()).isEqualTo("idleclaw consume: " + ollama.baseUrl() + " is not an IdleClaw hub (it answered "
                    + "POST /api/chat with application/x-ndjson, as Ollama does; address from --server)" + System.lineSeparator());
            var unknownModel = CliRun.command(new ConsumeCommand(name -> null), "--server", ollama.baseUrl(), "--model", "other:1",
                    "--prompt", "hi", "--anonymous");
            assertThat(unknownModel.err()).startsWith("idleclaw consume: " + ollama.baseUrl() + " is not an IdleClaw hub (it answered "
                    + "POST /api/chat with HTTP 404 {\"error\":\"model 'other:1' not found\"}");
            var s = status(Map.of(), "--server", ollama.baseUrl());
            assertThat(s.exit()).isEqualTo(1);
            assertThat(s.out().strip()).isEqualTo(ollama.baseUrl() + " is not an IdleClaw hub (it answered GET /health with "
                    + "HTTP 404 404 page not found; address from --server)");
        }
    }

    @Test
    void aHubAddressEndingInV1OrApiIsNotAHubAndTheHintDropsTheSuffix() {
        try (var hub = HubFixture.on(dir, b -> {}).hub) {
            String base = "http://127.0.0.1:" + hub.port();
            var c = consume(Map.of(), "--server", base + "/v1");
            assertThat(c.exit()).isEqualTo(1);
            assertThat(c.err().strip()).startsWith("idleclaw consume: " + base + "/v1 is not an IdleClaw hub (it answered "
                    + "POST /v1/api/chat with HTTP 404 {\"error\":").endsWith("; address from --server; try " + base + ")");
            var s = status(Map.of(), "--server", base + "/api/");
            assertThat(s.exit()).isEqualTo(1);
            assertThat(s.out().strip()).isEqualTo(base + "/api is not an IdleClaw hub (it answered GET /api/health with "
                    + "HTTP 404 {\"detail\":\"Not Found\"}; address from --server; try " + base + ")");
            var ok = status(Map.of(), "--server", base);
            assertThat(ok.exit()).isZero();
            assertThat(ok.out()).contains("ONLINE");
        }
    }
}

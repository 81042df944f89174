package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw server} and {@code router} on a port that is taken: one line naming the option, exit 1, no files. */
@Timeout(30)
class ServerCommandTest {
    @TempDir
    Path dir;

    static ServerSocket busyPort() throws Exception {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @Test
    void aServerOnABusyPortSaysSoInOneLineBeforeOpeningItsLedger() throws Exception {
        try (var busy = busyPort()) {
            var run = CliRun.main("server", "--port", Integer.toString(busy.getLocalPort()), "--data-dir", dir.toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("idleclaw server: port " + busy.getLocalPort()
                    + " on 127.0.0.1 is already in use (--port / IDLECLAW_PORT)" + System.lineSeparator());
            assertThat(run.out()).isEmpty();
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("no ledger or identity was created").isEmpty();
        }
    }

    @Test
    void toolOptionsThatCannotWorkAreRefusedNamingTheOption() {
        var fetchAlone = CliRun.main("server", "--port", "0", "--tool-fetch", "--data-dir", dir.toString());
        assertThat(fetchAlone.exit()).isEqualTo(2);
        assertThat(fetchAlone.err()).startsWith("idleclaw server: --tool-fetch needs --search-url");
        var badUrl = CliRun.main("server", "--port", "0", "--search-url", "ftp://search.example.org", "--data-dir", dir.toString());
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).startsWith("idleclaw server: --search-url must be an http or https URL");
    }

    @Test
    void aBusyOllamaPortNamesItsOwnOption() throws Exception {
        try (var busy = busyPort()) {
            var run = CliRun.main("server", "--port", "0", "--ollama-port", Integer.toString(busy.getLocalPort()),
                    "--data-dir", dir.toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("idleclaw server: port " + busy.getLocalPort()
                    + " on 127.0.0.1 is already in use (--ollama-port / IDLECLAW_OLLAMA_PORT)" + System.lineSeparator());
        }
    }

    @Test
    void aRouterOnABusyPortSaysSoInOneLine() throws Exception {
        try (var busy = busyPort()) {
            var run = CliRun.main("router", "--port", Integer.toString(busy.getLocalPort()), "--data-dir", dir.toString(),
                    "--peers", dir.resolve("peers.json").toString());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("idleclaw router: port " + busy.getLocalPort()
                    + " on 127.0.0.1 is already in use (--port / IDLECLAW_ROUTER_PORT)" + System.lineSeparator());
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(textBlock = """
            --max-connections-per-ip, 0,  '--max-connections-per-ip must be positive, got 0'
            --header-timeout,         0,  --header-timeout must be positive
            --min-body-rate,          -1, '--min-body-rate must be zero (off) or positive, got -1'
            --max-body-bytes,         1000, '--max-body-bytes must be at least 524288, got 1000'
            --max-messages,           10, '--max-messages must be at least 50, got 10'
            """)
    void aBadConnectionLimitIsNamedAndNothingStarts(String option, String value, String message) {
        var run = CliRun.main("server", "--port", "0", "--data-dir", dir.toString(), option, value);
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("idleclaw server: " + message + System.lineSeparator());
    }
}

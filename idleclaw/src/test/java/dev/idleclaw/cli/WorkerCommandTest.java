package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw worker}: options, help and exit codes (the running worker is covered by the worker tests). */
class WorkerCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpNamesTheDefaults() {
        var run = CliRun.wide("worker", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--host", "default: 127.0.0.1", "--port", "default: 17474", "--ollama", "OLLAMA_HOST",
                "--data-dir", "--identity", "--ledger", "--max-concurrent", "--tier", "--announce-to", "--announce-url",
                "--announce-label", "default: idleclaw-worker", "--announce-ttl", "default: 300");
    }

    @Test
    void announceToWithoutAnnounceUrlIsAUsageError() {
        var run = CliRun.main("worker", "--data-dir", dir.toString(), "--announce-to", "http://127.0.0.1:17476");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--announce-to needs --announce-url");
        var other = CliRun.main("worker", "--data-dir", dir.toString(), "--announce-url", "http://10.0.0.5:17474");
        assertThat(other.exit()).isEqualTo(2);
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(CliRun.main("worker", "--data-dir", dir.toString(), "--tier", "gold").exit()).isEqualTo(2);
        assertThat(CliRun.main("worker", "--data-dir", dir.toString(), "--max-concurrent", "0").exit()).isEqualTo(2);
        var ttl = CliRun.main("worker", "--data-dir", dir.toString(), "--announce-to", "http://127.0.0.1:17476",
                "--announce-url", "http://10.0.0.5:17474", "--announce-ttl", "0");
        assertThat(ttl.exit()).isEqualTo(2);
        var url = CliRun.main("worker", "--data-dir", dir.toString(), "--announce-to", "ftp://tracker",
                "--announce-url", "http://10.0.0.5:17474");
        assertThat(url.exit()).isEqualTo(2);
        assertThat(url.err()).contains("--announce-to must be an http(s) URL");
    }

    @Test
    void aBusyPortIsOneLineNamingTheOptionBeforeOllamaOrFilesAreTouched() throws Exception {
        try (var busy = ServerCommandTest.busyPort()) {
            var run = CliRun.main("worker", "--data-dir", dir.toString(), "--port", Integer.toString(busy.getLocalPort()),
                    "--ollama", "http://127.0.0.1:1");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("idleclaw worker: port " + busy.getLocalPort()
                    + " on 127.0.0.1 is already in use (--port / IDLECLAW_WORKER_PORT)" + System.lineSeparator());
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anUnreachableOllamaExitsWithThreeBeforeListening() throws Exception {
        int freePort;
        try (var s = new java.net.ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        var run = CliRun.main("worker", "--data-dir", dir.toString(), "--port", "0", "--ollama", "http://127.0.0.1:" + freePort);
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("idleclaw worker:");
        assertThat(Files.exists(dir.resolve("identity.json"))).as("the worker's key is created on first use").isTrue();
    }
}

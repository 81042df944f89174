package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server --announce-*}, {@code server/router --sync-from}: bad combinations and values are usage errors (exit 2). */
class FederationOptionsTest {
    @TempDir
    Path dir;

    @Test
    void serverAnnounceOptionsGoTogether() {
        var run = CliRun.main("server", "--data-dir", dir.toString(), "--announce-to", "http://127.0.0.1:17476");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--announce-to and --announce-url go together");
        assertThat(CliRun.main("server", "--data-dir", dir.toString(), "--announce-url", "http://10.0.0.5:8000").exit()).isEqualTo(2);
    }

    @Test
    void serverAnnounceValuesAreChecked() {
        var ttl = CliRun.main("server", "--data-dir", dir.toString(), "--announce-to", "http://127.0.0.1:17476",
                "--announce-url", "http://10.0.0.5:8000", "--announce-ttl", "0");
        assertThat(ttl.exit()).isEqualTo(2);
        assertThat(ttl.err()).contains("--announce-ttl must be positive");
        var url = CliRun.main("server", "--data-dir", dir.toString(), "--announce-to", "ftp://tracker",
                "--announce-url", "http://10.0.0.5:8000");
        assertThat(url.exit()).isEqualTo(2);
        assertThat(url.err()).contains("--announce-to must be an http(s) URL");
    }

    @Test
    void syncFromMustBeAnHttpTracker() {
        var router = CliRun.main("router", "--data-dir", dir.toString(), "--sync-from", "ftp://tracker");
        assertThat(router.exit()).isEqualTo(2);
        assertThat(router.err()).contains("--sync-from");
        assertThat(CliRun.main("server", "--data-dir", dir.toString(), "--sync-from", "not a url").exit()).isEqualTo(2);
    }

    @Test
    void helpDescribesTheNewOptions() {
        assertThat(CliRun.wide("server", "--help").out()).contains("--announce-to", "--announce-url", "--announce-label",
                "--announce-ttl", "--sync-from", "--peers", "--local-peers");
        assertThat(CliRun.wide("router", "--help").out()).contains("--sync-from");
    }
}

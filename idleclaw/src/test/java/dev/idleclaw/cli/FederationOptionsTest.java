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
        assertThat(run.err()).contains("--announce-to needs --announce-url");
        var urlOnly = CliRun.main("server", "--data-dir", dir.toString(), "--announce-url", "http://10.0.0.5:8000");
        assertThat(urlOnly.exit()).isEqualTo(2);
        assertThat(urlOnly.err()).contains("--announce-url needs --announce-to or --announce-nostr");
        var nostr = CliRun.main("server", "--data-dir", dir.toString(), "--announce-nostr", "ws://127.0.0.1:7777");
        assertThat(nostr.exit()).isEqualTo(2);
        assertThat(nostr.err()).contains("--announce-nostr needs --announce-url");
    }

    @Test
    void nostrRelaysMustBeWebSocketUrls() {
        var announce = CliRun.main("server", "--data-dir", dir.toString(), "--announce-nostr", "https://relay.example",
                "--announce-url", "http://10.0.0.5:8000");
        assertThat(announce.exit()).isEqualTo(2);
        assertThat(announce.err()).contains("--announce-nostr", "ws(s)://");
        var sync = CliRun.main("router", "--data-dir", dir.toString(), "--sync-nostr", "relay.example");
        assertThat(sync.exit()).isEqualTo(2);
        assertThat(sync.err()).contains("--sync-nostr", "ws(s)://");
        var worker = CliRun.main("worker", "--data-dir", dir.toString(), "--announce-nostr", "http://relay", "--announce-url",
                "http://10.0.0.5:17474");
        assertThat(worker.exit()).isEqualTo(2);
        assertThat(worker.err()).contains("--announce-nostr");
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
                "--announce-ttl", "--announce-nostr", "--sync-from", "--sync-nostr", "--peers", "--local-peers");
        assertThat(CliRun.wide("router", "--help").out()).contains("--sync-from", "--sync-nostr");
        assertThat(CliRun.wide("worker", "--help").out()).contains("--announce-nostr");
    }
}

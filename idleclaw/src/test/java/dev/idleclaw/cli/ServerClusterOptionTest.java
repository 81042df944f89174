package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server --cluster}, {@code --cluster-url} and {@code --cluster-prefix}: the first two need each other, and bad values
 * are usage errors (exit 2).
 */
class ServerClusterOptionTest {
    @TempDir
    Path dir;

    @Test
    void clusterWithoutItsUrlIsAUsageErrorNamingTheOption() {
        var run = CliRun.main("server", "--data-dir", dir.toString(), "--cluster", "redis://127.0.0.1:6379");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--cluster-url is required with --cluster");
    }

    @Test
    void clusterUrlWithoutClusterIsAUsageError() {
        var run = CliRun.main("server", "--data-dir", dir.toString(), "--cluster-url", "http://10.0.0.5:8000");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--cluster-url needs --cluster");
    }

    @Test
    void aClusterThatIsNoRedisUrlIsAUsageError() {
        var run = CliRun.main("server", "--data-dir", dir.toString(), "--cluster", "http://127.0.0.1:6379",
                "--cluster-url", "http://10.0.0.5:8000");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--cluster must be a redis://host:port[/db] URL");
    }

    @Test
    void aBlankClusterPrefixIsAUsageErrorNamingTheOption() {
        var run = CliRun.main("server", "--data-dir", dir.toString(), "--cluster", "redis://127.0.0.1:6379",
                "--cluster-url", "http://10.0.0.5:8000", "--cluster-prefix", " ");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--cluster-prefix must be 1 to 64 characters");
    }
}

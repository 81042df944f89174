package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code idleclaw server --ledger …} failures end with one clear line and exit 1, never a stack trace. */
@Timeout(30)
class ServerLedgerOptionTest {

    @Test
    void anUnreachablePostgresLedgerIsAOneLineErrorWithoutThePassword() throws Exception {
        var dir = Files.createTempDirectory("server-ledger");
        var run = CliRun.main("server", "--port", "0", "--data-dir", dir.toString(),
                "--ledger", "jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=s3cret");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("idleclaw server: ledger jdbc:postgresql:").contains("password=***").doesNotContain("s3cret").doesNotContain("\tat ");
    }

    @Test
    void anSqliteTargetThatIsNotAFileIsRefusedByName() throws Exception {
        var dir = Files.createTempDirectory("server-ledger");
        var run = CliRun.main("server", "--port", "0", "--data-dir", dir.toString(), "--ledger", "jdbc:sqlite::memory:");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("plain file path");
    }
}

package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.home.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the implementation from a target string, and keeping secrets out of names. */
class LedgersTest {
    @TempDir
    Path dir;

    @Test
    void aPlainPathOpensSqliteAndCreatesItsParentDirectories() {
        Path file = dir.resolve("a/b/ledger.db");
        try (Ledger ledger = Ledgers.open(file.toString(), 123)) {
            assertThat(ledger).isInstanceOf(SqliteLedger.class);
            assertThat(ledger.bootstrapAllowance()).isEqualTo(123);
        }
        assertThat(Files.isRegularFile(file)).isTrue();
    }

    @Test
    void theLedgerAndItsWalAreOwnerOnlyInAnExistingDirectory() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(file.toString(), 1)) {
            ledger.addApiKey(new byte[32], "lob1" + "a".repeat(64), "k");
            for (String name : List.of("ledger.db", "ledger.db-wal", "ledger.db-shm")) {
                assertThat(Files.getPosixFilePermissions(dir.resolve(name))).as(name).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void anExistingWorldReadableLedgerIsMadeOwnerOnly() throws Exception {
        Path file = dir.resolve("old.db");
        try (Ledger ledger = Ledgers.open(file.toString(), 1)) {
            ledger.addApiKey(new byte[32], "lob1" + "a".repeat(64), "k");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (Ledger ledger = Ledgers.open(file.toString(), 1)) {
            assertThat(ledger.apiKeys()).hasSize(1);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(Path.of(file + "-wal"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aJdbcSqliteUrlOpensThatFile() {
        Path file = dir.resolve("x.db");
        try (Ledger ledger = Ledgers.open("jdbc:sqlite:" + file, 10_000)) {
            assertThat(ledger).isInstanceOf(SqliteLedger.class);
        }
        assertThat(Files.isRegularFile(file)).isTrue();
    }

    @Test
    void theDefaultFileIsInTheDataDirectory() {
        assertThat(Ledgers.defaultSqlite()).isEqualTo(DataDir.current().file("ledger.db").toString());
    }

    @Test
    void inMemoryAndEmptyTargetsAreRefused() {
        assertThatThrownBy(() -> Ledgers.open("jdbc:sqlite::memory:", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledgers.open(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsAreMaskedInPrintedTargets() {
        assertThat(Targets.redact("jdbc:postgresql://db:5432/ledger?user=hub&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/ledger?user=hub&password=***&ssl=true");
        assertThat(Targets.redact("jdbc:postgresql://hub:s3cret@db/ledger")).isEqualTo("jdbc:postgresql://hub:***@db/ledger");
    }
}

package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on an SQLite file, plus the pragmas that make its commits durable. */
class LedgerSqliteTest extends LedgerContract {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("nested").resolve("ledger.db");
    }

    @Override
    void prepare() {}

    @Override
    Ledger open(long allowance) {
        return SqliteLedger.open(file(), allowance);
    }

    @Override
    String target() {
        return file().toString();
    }

    @Override
    Connection inspect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Override
    void cleanUp() {}

    @Test
    void theFileIsInWalModeWithFullSyncAndABusyTimeout() throws Exception {
        assertThat(((SqliteLedger) ledger).<String>withConnection(c -> pragma(c, "journal_mode"))).isEqualTo("wal");
        assertThat(((SqliteLedger) ledger).<String>withConnection(c -> pragma(c, "synchronous"))).isEqualTo("2"); // FULL
        assertThat(((SqliteLedger) ledger).<String>withConnection(c -> pragma(c, "busy_timeout")))
                .isEqualTo(String.valueOf(SqliteLedger.BUSY_TIMEOUT_MILLIS));
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

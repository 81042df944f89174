package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger contract on the local PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth), each test in a
 * fresh schema that is dropped afterwards. Without a reachable server the tests are skipped locally, but fail when
 * {@code CI=true}.
 */
class LedgerPostgresTest extends LedgerContract {
    /** A server that does not answer within this is treated as absent. */
    static final int CONNECT_TIMEOUT_SECONDS = 2;
    private static final List<String> USERS = List.of("postgres", "root");
    private static String base;

    private final String schema = "ledger_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

    @BeforeAll
    static void findServer() {
        base = null;
        for (String user : USERS) {
            String url = "jdbc:postgresql://127.0.0.1:5432/test?user=" + user + "&connectTimeout=" + CONNECT_TIMEOUT_SECONDS;
            try (var c = DriverManager.getConnection(url)) {
                base = url;
                break;
            } catch (SQLException ignored) {
                // try the next user
            }
        }
        Assumptions.assumeTrue(base != null || "true".equals(System.getenv("CI")), "PostgreSQL is not reachable at 127.0.0.1:5432");
        if (base == null) throw new AssertionError("CI=true but PostgreSQL is not reachable at 127.0.0.1:5432 as " + USERS);
    }

    private String url() {
        return base + "&currentSchema=" + schema;
    }

    @Override
    void prepare() {}

    @Override
    Ledger open(long allowance) {
        return PostgresLedger.open(url(), allowance);
    }

    @Override
    String target() {
        return url();
    }

    @Override
    Connection inspect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    @Override
    void cleanUp() throws SQLException {
        try (var c = DriverManager.getConnection(base); var s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void theLedgerLivesInTheSchemaTheUrlNames() throws SQLException {
        try (var c = DriverManager.getConnection(base); var s = c.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN ('receipts', 'accounts', 'totals', 'request_nonces', 'api_keys')")) {
            s.setString(1, schema);
            try (var rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
        }
    }

    @Test
    void aFailureMessageNeverShowsThePassword() {
        String bad = base.replace("/test?", "/no_such_database_" + schema + "?") + "&password=hunter2";
        assertThatThrownBy(() -> PostgresLedger.open(bad, ALLOWANCE))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("no_such_database_")
                .hasMessageNotContaining("hunter2");
    }
}

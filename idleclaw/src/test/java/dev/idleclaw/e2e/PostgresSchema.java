package dev.idleclaw.e2e;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema on the local PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth) for one test, dropped
 * by {@link #close}. Without a reachable server the test is skipped locally, but fails when {@code CI=true}.
 */
public final class PostgresSchema implements AutoCloseable {
    /** A server that does not answer within this is treated as absent. */
    static final int CONNECT_TIMEOUT_SECONDS = 2;
    /** The roles a local trust-auth server is commonly reachable as (the distro default, then a container's). */
    private static final List<String> USERS = List.of("postgres", "root");

    private final String base;
    final String schema = "crash_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

    private PostgresSchema(String base) {
        this.base = base;
    }

    /** Finds the server, or skips the test (fails it when {@code CI=true}). */
    public static PostgresSchema fresh() {
        for (String user : USERS) {
            String url = "jdbc:postgresql://127.0.0.1:5432/test?user=" + user + "&connectTimeout=" + CONNECT_TIMEOUT_SECONDS;
            try (var c = DriverManager.getConnection(url)) {
                return new PostgresSchema(url);
            } catch (SQLException ignored) {
                // try the next user
            }
        }
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, "PostgreSQL is not reachable at 127.0.0.1:5432 (and CI is not \"true\")");
        throw new AssertionError("CI=true but PostgreSQL is not reachable at 127.0.0.1:5432 as " + USERS);
    }

    /** The ledger target: the JDBC URL with the fresh schema as {@code currentSchema} (the ledger creates it). */
    public String url() {
        return base + "&currentSchema=" + schema;
    }

    @Override
    public void close() throws SQLException {
        try (var c = DriverManager.getConnection(base); var s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}

package dev.idleclaw.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The ledger in PostgreSQL, which several hubs can share. Calls borrow connections from a small HikariCP pool;
 * appends are serialised by the totals row lock, so a bigger pool would only add waiters. PostgreSQL's default
 * {@code synchronous_commit=on} makes each append durable when it returns.
 */
public final class PostgresLedger extends JdbcLedger {
    /** Appends serialise on one row, and reads are single indexed lookups: a few connections are plenty. */
    static final int MAX_POOL_SIZE = 8;
    /** One warm connection, so the first request after a quiet spell does not pay for a handshake. */
    static final int MIN_IDLE = 1;
    /** How long a call waits for a pooled connection (or a new one) before it fails instead of hanging. */
    static final long CONNECTION_TIMEOUT_MILLIS = 5_000;
    /** Opening tries to connect once (Hikari's "1"): a wrong URL or a down database is reported at start-up at once. */
    static final long INITIALIZATION_TIMEOUT_MILLIS = 1;

    private static final Pattern CURRENT_SCHEMA = Pattern.compile("[?&]currentSchema=([A-Za-z_][A-Za-z0-9_]*)");

    private final HikariDataSource pool;

    private PostgresLedger(String name, HikariDataSource pool, long bootstrapAllowance) {
        super(name, bootstrapAllowance);
        this.pool = pool;
    }

    /**
     * Connects to {@code jdbcUrl} ({@code jdbc:postgresql://…}) and migrates it. A {@code currentSchema} parameter
     * names the schema the ledger lives in (created if missing).
     */
    public static PostgresLedger open(String jdbcUrl, long bootstrapAllowance) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) throw new IllegalArgumentException("not a jdbc:postgresql: URL");
        String name = Targets.redact(jdbcUrl);
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("idleclaw-ledger");
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(MIN_IDLE);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(INITIALIZATION_TIMEOUT_MILLIS);
        config.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new LedgerException("ledger " + name + ": cannot connect: " + Targets.redact(String.valueOf(e.getMessage())), e);
        }
        try {
            var schema = CURRENT_SCHEMA.matcher(jdbcUrl);
            Migrations.migrate(pool, schema.find() ? schema.group(1) : null, name);
            return new PostgresLedger(name, pool, bootstrapAllowance);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (var c = pool.getConnection()) {
            return work.apply(c);
        }
    }

    @Override
    public void close() {
        closeWriter();
        pool.close();
    }
}

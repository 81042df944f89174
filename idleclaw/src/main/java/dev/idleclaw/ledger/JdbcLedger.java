package dev.idleclaw.ledger;

import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger over JDBC, with the SQL of {@link LedgerSql}; subclasses only say how a connection is had (one locked
 * SQLite connection, or a PostgreSQL pool). Every append is one transaction that first locks the totals row, so
 * appends are serialised and sequence numbers are gap-free and in commit order.
 */
abstract sealed class JdbcLedger implements Ledger permits SqliteLedger, PostgresLedger {
    /** A page larger than this is a caller bug; the cap bounds the memory one call can take. */
    static final int MAX_ROWS = 10_000;
    /** Expired request nonces are purged once every this many claims, so the table stays near its live size. */
    static final int PURGE_EVERY = 256;
    /** At most this many expired nonces go per purge, so a purge never holds a claim up for long. */
    static final int PURGE_BATCH = 1_000;

    /** One unit of work on a connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    private final long bootstrapAllowance;
    private final String name;
    private final AtomicLong claims = new AtomicLong();

    JdbcLedger(String name, long bootstrapAllowance) {
        if (bootstrapAllowance < 0) throw new IllegalArgumentException("bootstrap allowance must be ≥ 0");
        this.name = name;
        this.bootstrapAllowance = bootstrapAllowance;
    }

    /** Runs {@code work} on a connection in auto-commit mode (the work may open a transaction itself). */
    abstract <T> T withConnection(SqlWork<T> work) throws SQLException;

    /** The database, safe to print. */
    final String name() {
        return name;
    }

    private <T> T run(String what, SqlWork<T> work) {
        try {
            return withConnection(work);
        } catch (SQLException e) {
            throw new LedgerException("ledger " + name + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Append append(SignedReceipt signed) {
        Receipt r = signed.receipt();
        long t = r.tokens();
        boolean anonymous = Receipt.ANONYMOUS.equals(r.requesterPubkey());
        String json = Json.write(signed.toJson());
        return run("append a receipt", c -> {
            c.setAutoCommit(false);
            try {
                long seq;
                try (var bump = c.prepareStatement(LedgerSql.BUMP_TOTALS)) {
                    bump.setLong(1, t);
                    bump.setLong(2, anonymous ? 0 : t);
                    bump.executeUpdate();
                }
                try (var totals = c.prepareStatement(LedgerSql.TOTALS); var rs = totals.executeQuery()) {
                    if (!rs.next()) throw new SQLException("the totals row is missing");
                    seq = rs.getLong(3);
                }
                if (insertReceipt(c, seq, signed, json) == 0) {
                    c.rollback();
                    return Append.DUPLICATE;
                }
                if (r.workerPubkey().equals(r.requesterPubkey())) {
                    credit(c, r.workerPubkey(), t, t);
                } else {
                    credit(c, r.workerPubkey(), t, 0);
                    if (!anonymous) credit(c, r.requesterPubkey(), 0, t);
                }
                c.commit();
                return Append.ACCEPTED;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private static int insertReceipt(Connection c, long seq, SignedReceipt signed, String json) throws SQLException {
        Receipt r = signed.receipt();
        try (var s = c.prepareStatement(LedgerSql.INSERT_RECEIPT)) {
            s.setLong(1, seq);
            s.setString(2, r.workerPubkey());
            s.setString(3, r.nonce());
            s.setString(4, r.requesterPubkey());
            s.setString(5, r.jobId());
            s.setString(6, r.model());
            s.setLong(7, r.inputTokens());
            s.setLong(8, r.outputTokens());
            s.setLong(9, r.startedAt());
            s.setLong(10, r.completedAt());
            s.setString(11, signed.signature());
            s.setString(12, json);
            s.setLong(13, System.currentTimeMillis());
            return s.executeUpdate();
        }
    }

    private static void credit(Connection c, String pubkey, long earned, long spent) throws SQLException {
        try (var s = c.prepareStatement(LedgerSql.CREDIT_ACCOUNT)) {
            s.setString(1, pubkey);
            s.setLong(2, earned);
            s.setLong(3, spent);
            s.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public Account account(String pubkey) {
        return run("read an account", c -> {
            try (var s = c.prepareStatement(LedgerSql.ACCOUNT)) {
                s.setString(1, pubkey);
                try (var rs = s.executeQuery()) {
                    return rs.next() ? account(rs) : new Account(pubkey, 0, 0, 0, bootstrapAllowance);
                }
            }
        });
    }

    private Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), bootstrapAllowance);
    }

    @Override
    public Totals totals() {
        return run("read the totals", c -> {
            try (var s = c.prepareStatement(LedgerSql.TOTALS); var rs = s.executeQuery()) {
                if (!rs.next()) throw new SQLException("the totals row is missing");
                return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        });
    }

    @Override
    public List<Account> accounts(int limit) {
        return list("list accounts", LedgerSql.ACCOUNTS, limit, this::account);
    }

    @Override
    public List<SignedReceipt> recent(int limit) {
        return list("list recent receipts", LedgerSql.RECENT, limit, rs -> {
            try {
                return SignedReceipt.fromJson(Json.parse(rs.getString(2)));
            } catch (Exception e) {
                throw new SQLException("receipt " + rs.getLong(1) + " is unreadable: " + e.getMessage(), e);
            }
        });
    }

    /** One row of a result. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> list(String what, String sql, int limit, Row<T> row) {
        if (limit <= 0) return List.of();
        return run(what, c -> {
            try (var s = c.prepareStatement(sql)) {
                s.setInt(1, Math.min(limit, MAX_ROWS));
                try (var rs = s.executeQuery()) {
                    var out = new ArrayList<T>();
                    while (rs.next()) out.add(row.read(rs));
                    return List.copyOf(out);
                }
            }
        });
    }

    @Override
    public boolean claimRequestNonce(String pubkey, String nonce, long expiresAtMillis) {
        long now = System.currentTimeMillis();
        return run("claim a request nonce", c -> {
            boolean claimed;
            try (var s = c.prepareStatement(LedgerSql.CLAIM_NONCE)) {
                s.setString(1, pubkey);
                s.setString(2, nonce);
                s.setLong(3, expiresAtMillis);
                s.setLong(4, now);
                claimed = s.executeUpdate() > 0;
            }
            if (claims.incrementAndGet() % PURGE_EVERY == 0) purge(c, now);
            return claimed;
        });
    }

    /** Forgets at most {@link #PURGE_BATCH} nonces that expired by {@code now}; how many went. */
    int purgeExpiredNonces(long now) {
        return run("purge expired request nonces", c -> purge(c, now));
    }

    private static int purge(Connection c, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LedgerSql.PURGE_NONCES)) {
            s.setLong(1, now);
            s.setLong(2, now);
            s.setInt(3, PURGE_BATCH);
            return s.executeUpdate();
        }
    }

    @Override
    public void addApiKey(byte[] sha256, String pubkey, String label) {
        String hex = hex(sha256);
        run("add an API key", c -> {
            try (var s = c.prepareStatement(LedgerSql.ADD_API_KEY)) {
                s.setString(1, hex);
                s.setString(2, pubkey);
                s.setString(3, label == null ? "" : label);
                s.setLong(4, System.currentTimeMillis());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public int removeApiKeys(String pubkey) {
        return run("remove API keys", c -> {
            try (var s = c.prepareStatement(LedgerSql.REMOVE_API_KEYS)) {
                s.setString(1, pubkey);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<String> apiKeyOwner(byte[] sha256) {
        String hex = hex(sha256);
        return run("look up an API key", c -> {
            try (var s = c.prepareStatement(LedgerSql.API_KEY_OWNER)) {
                s.setString(1, hex);
                try (var rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public List<ApiKey> apiKeys() {
        return list("list API keys", LedgerSql.API_KEYS, MAX_ROWS,
                rs -> new ApiKey(rs.getString(1), rs.getString(2), rs.getLong(3)));
    }

    private static String hex(byte[] sha256) {
        if (sha256 == null || sha256.length != 32) throw new IllegalArgumentException("an API key hash is 32 bytes (SHA-256)");
        return HexFormat.of().formatHex(sha256);
    }

    @Override
    public long bootstrapAllowance() {
        return bootstrapAllowance;
    }
}

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger over JDBC, with the SQL of {@link LedgerSql}; subclasses only say how a connection is had (one locked
 * SQLite connection, or a PostgreSQL pool). Appends are group-committed by one writer per ledger; each batch is one
 * transaction that first locks the totals row, so batches are serialised (even across hubs sharing PostgreSQL) and
 * sequence numbers are gap-free and in commit order.
 */
abstract sealed class JdbcLedger implements Ledger permits SqliteLedger, PostgresLedger {
    /** A page larger than this is a caller bug; the cap bounds the memory one call can take. */
    static final int MAX_ROWS = 10_000;
    /** Expired request nonces are purged once every this many claims, so the table stays near its live size. */
    static final int PURGE_EVERY = 256;
    /** At most this many expired nonces go per purge, so a purge never holds a claim up for long. */
    static final int PURGE_BATCH = 1_000;
    /**
     * Live nonces one key may hold: a nonce lives up to ten minutes (five either side of its timestamp), and one
     * signed request a second for all of them, the most a busy agent sends, still fits.
     */
    static final int MAX_LIVE_NONCES_PER_KEY = 1_000;
    /** Live nonces in all: a few MB of rows, and under the per-address limits a flood needs ~100 addresses to fill it. */
    static final int MAX_LIVE_NONCES = 100_000;

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

    /** Appends go through one writer that commits whatever is queued in one transaction (see {@link GroupCommit}). */
    private volatile GroupCommit writer;

    @Override
    public Append append(SignedReceipt signed, boolean debitRequester, boolean hold) {
        var w = writer;
        if (w == null) {
            synchronized (this) {
                if (writer == null) writer = new GroupCommit(name, this::commitBatch);
                w = writer;
            }
        }
        return w.append(signed, debitRequester, hold);
    }

    /**
     * Appends {@code receipts} in one transaction, in order, without the group-commit writer: what
     * {@link OutageBuffer} uses to write what waited in memory. Each result as {@link #append} would give it.
     */
    final List<Append> appendAll(List<PendingWrites.Op.Add> receipts) {
        List<GroupCommit.Pending> batch = new ArrayList<>(receipts.size());
        for (var a : receipts) batch.add(new GroupCommit.Pending(a.receipt(), a.debitRequester(), a.hold(), null));
        return commitBatch(batch);
    }

    /** Stops the append writer after it committed what is queued; subclasses call it first in {@code close}. */
    final void closeWriter() {
        var w = writer;
        if (w != null) w.close();
    }

    /**
     * One transaction for a batch: lock the totals row, number the receipts from its count, insert each (a
     * duplicate (worker, nonce) is skipped and reported), then apply every account's and the totals' sums.
     */
    private List<Append> commitBatch(List<GroupCommit.Pending> batch) {
        return run("append receipts", c -> {
            c.setAutoCommit(false);
            try {
                lockTotals(c);
                long seq;
                try (var totals = c.prepareStatement(LedgerSql.TOTALS); var rs = totals.executeQuery()) {
                    if (!rs.next()) throw new SQLException("the totals row is missing");
                    seq = rs.getLong(3);
                }
                List<Append> results = new ArrayList<>(batch.size());
                Map<String, long[]> accounts = new LinkedHashMap<>();
                long earned = 0, spent = 0, held = 0, accepted = 0;
                for (var p : batch) {
                    SignedReceipt signed = p.receipt();
                    Receipt r = signed.receipt();
                    boolean debit = p.debitRequester() && !Receipt.ANONYMOUS.equals(r.requesterPubkey());
                    // Credit moves from a paying requester to the worker; nobody paying means nobody earns.
                    long t = debit ? r.tokens() : 0;
                    long h = p.hold() ? t : 0, e = t - h;
                    if (insertReceipt(c, seq + accepted + 1, signed, Json.write(signed.toJson()), h) == 0) {
                        results.add(Append.DUPLICATE);
                        continue;
                    }
                    accepted++;
                    earned += e;
                    held += h;
                    spent += t;
                    if (r.workerPubkey().equals(r.requesterPubkey())) {
                        add(accounts, r.workerPubkey(), e, t, h);
                    } else {
                        add(accounts, r.workerPubkey(), e, 0, h);
                        if (debit) add(accounts, r.requesterPubkey(), 0, t, 0);
                    }
                    results.add(Append.ACCEPTED);
                }
                for (var e : accounts.entrySet()) {
                    try (var s = c.prepareStatement(LedgerSql.CREDIT_ACCOUNT_BY)) {
                        s.setString(1, e.getKey());
                        s.setLong(2, e.getValue()[0]);
                        s.setLong(3, e.getValue()[1]);
                        s.setLong(4, e.getValue()[2]);
                        s.setLong(5, e.getValue()[3]);
                        s.executeUpdate();
                    }
                }
                addTotals(c, earned, spent, accepted, held, 0);
                c.commit();
                return results;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                autoCommitQuietly(c);
            }
        });
    }

    /**
     * Back to auto-commit after a transaction. On a connection that broke (the database went away) this fails too, and
     * must not hide the failure that ended the transaction: the pool discards such a connection anyway.
     */
    private static void autoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException broken) {
            // reported by the transaction's own failure
        }
    }

    private static void add(Map<String, long[]> accounts, String pubkey, long earned, long spent, long held) {
        long[] a = accounts.computeIfAbsent(pubkey, k -> new long[4]);
        a[0] += earned;
        a[1] += spent;
        a[2]++;
        a[3] += held;
    }

    /** Takes the totals row's lock (an update that changes nothing): every writing transaction does this first. */
    private static void lockTotals(Connection c) throws SQLException {
        addTotals(c, 0, 0, 0, 0, 0);
    }

    private static void addTotals(Connection c, long earned, long spent, long receipts, long held, long forfeited) throws SQLException {
        try (var s = c.prepareStatement(LedgerSql.ADD_TOTALS)) {
            s.setLong(1, earned);
            s.setLong(2, spent);
            s.setLong(3, receipts);
            s.setLong(4, held);
            s.setLong(5, forfeited);
            s.executeUpdate();
        }
    }

    @Override
    public long release(String pubkey) {
        return settle(pubkey, true);
    }

    @Override
    public long forfeit(String pubkey) {
        return settle(pubkey, false);
    }

    /**
     * Moves all of {@code pubkey}'s held credit to earned ({@code release}) or forfeited, in one transaction that
     * first locks the totals row, so no append of the same key interleaves; records the outcome for audit.
     */
    private long settle(String pubkey, boolean release) {
        return run(release ? "release held credit" : "forfeit held credit", c -> {
            c.setAutoCommit(false);
            try {
                lockTotals(c);
                long held = 0;
                try (var s = c.prepareStatement(LedgerSql.HELD)) {
                    s.setString(1, pubkey);
                    try (var rs = s.executeQuery()) {
                        if (rs.next()) held = rs.getLong(1);
                    }
                }
                if (held > 0) {
                    try (var s = c.prepareStatement(release ? LedgerSql.RELEASE : LedgerSql.FORFEIT)) {
                        s.setLong(1, held);
                        s.setLong(2, held);
                        s.setString(3, pubkey);
                        s.executeUpdate();
                    }
                    addTotals(c, release ? held : 0, 0, 0, -held, release ? 0 : held);
                    try (var s = c.prepareStatement(LedgerSql.HOLD_OUTCOME)) {
                        s.setString(1, pubkey);
                        s.setString(2, release ? "released" : "forfeited");
                        s.setLong(3, held);
                        s.setLong(4, System.currentTimeMillis());
                        s.executeUpdate();
                    }
                }
                c.commit();
                return held;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                autoCommitQuietly(c);
            }
        });
    }

    private static int insertReceipt(Connection c, long seq, SignedReceipt signed, String json, long held) throws SQLException {
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
            s.setLong(14, held);
            return s.executeUpdate();
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
        return new Account(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), bootstrapAllowance,
                rs.getLong(5), rs.getLong(6));
    }

    @Override
    public Totals totals() {
        return run("read the totals", c -> {
            try (var s = c.prepareStatement(LedgerSql.TOTALS); var rs = s.executeQuery()) {
                if (!rs.next()) throw new SQLException("the totals row is missing");
                return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        });
    }

    @Override
    public List<Account> accounts(int limit) {
        return list("list accounts", LedgerSql.ACCOUNTS, limit, this::account);
    }

    @Override
    public List<SignedReceipt> recent(int limit) {
        return list("list recent receipts", LedgerSql.RECENT, limit, JdbcLedger::receipt);
    }

    @Override
    public List<SignedReceipt> recent(String pubkey, int limit) {
        return list("list a key's recent receipts", LedgerSql.RECENT_OF, limit, JdbcLedger::receipt, pubkey, pubkey);
    }

    private static SignedReceipt receipt(ResultSet rs) throws SQLException {
        try {
            return SignedReceipt.fromJson(Json.parse(rs.getString(2)));
        } catch (Exception e) {
            throw new SQLException("receipt " + rs.getLong(1) + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** One row of a result. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} with {@code keys} as its first parameters and the capped {@code limit} as its last. */
    private <T> List<T> list(String what, String sql, int limit, Row<T> row, String... keys) {
        if (limit <= 0) return List.of();
        return run(what, c -> {
            try (var s = c.prepareStatement(sql)) {
                for (int i = 0; i < keys.length; i++) s.setString(i + 1, keys[i]);
                s.setInt(keys.length + 1, Math.min(limit, MAX_ROWS));
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
            if (live(c, LedgerSql.LIVE_NONCES_OF, pubkey, now, MAX_LIVE_NONCES_PER_KEY) >= MAX_LIVE_NONCES_PER_KEY) {
                throw new NonceLimitException("too many signed requests from this key in the last minutes (at most "
                        + MAX_LIVE_NONCES_PER_KEY + "); retry later");
            }
            if (live(c, LedgerSql.LIVE_NONCES, null, now, MAX_LIVE_NONCES) >= MAX_LIVE_NONCES) {
                throw new NonceLimitException("too many signed requests in the last minutes (at most " + MAX_LIVE_NONCES + "); retry later");
            }
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

    /** Unexpired nonces (of {@code pubkey}, or of everyone when null), counted up to {@code cap}. */
    private static int live(Connection c, String sql, String pubkey, long now, int cap) throws SQLException {
        try (var s = c.prepareStatement(sql)) {
            int i = 1;
            if (pubkey != null) s.setString(i++, pubkey);
            s.setLong(i++, now);
            s.setInt(i, cap);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
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
    public Optional<NodeStanding> standing(String pubkey) {
        return run("read a node standing", c -> {
            try (var s = c.prepareStatement(LedgerSql.STANDING)) {
                s.setString(1, pubkey);
                try (var rs = s.executeQuery()) {
                    if (!rs.next()) return Optional.<NodeStanding>empty();
                    return Optional.of(new NodeStanding(rs.getString(1), rs.getLong(2) / 1e6, rs.getInt(3), rs.getInt(4),
                            rs.getLong(5), rs.getLong(6), rs.getInt(7) != 0, rs.getString(8), rs.getInt(9), rs.getLong(10),
                            rs.getLong(11), rs.getLong(12)));
                }
            }
        });
    }

    @Override
    public void saveStandings(List<NodeStanding> standings, List<ReputationChange> changes) {
        if (standings.isEmpty() && changes.isEmpty()) return;
        run("save node standings", c -> {
            c.setAutoCommit(false);
            try {
                try (var s = c.prepareStatement(LedgerSql.SAVE_STANDING)) {
                    for (var n : standings) {
                        s.setString(1, n.pubkey());
                        s.setLong(2, NodeStanding.micros(n.reputation()));
                        s.setInt(3, n.checksPassed());
                        s.setInt(4, n.cleanAnswers());
                        s.setLong(5, n.flags());
                        s.setLong(6, n.flagsAtProbationStart());
                        s.setInt(7, n.leftProbation() ? 1 : 0);
                        s.setString(8, n.verdict());
                        s.setInt(9, n.convictions());
                        s.setLong(10, n.barredUntil());
                        s.setLong(11, n.flagsAtConviction());
                        s.setLong(12, n.updatedAt());
                        s.addBatch();
                    }
                    if (!standings.isEmpty()) s.executeBatch();
                }
                try (var s = c.prepareStatement(LedgerSql.ADD_REPUTATION_CHANGE)) {
                    for (var h : changes) {
                        s.setLong(1, h.at());
                        s.setString(2, h.pubkey());
                        s.setLong(3, NodeStanding.micros(h.change()));
                        s.setLong(4, NodeStanding.micros(h.reputation()));
                        s.setString(5, h.reason());
                        s.addBatch();
                    }
                    if (!changes.isEmpty()) s.executeBatch();
                }
                c.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                autoCommitQuietly(c);
            }
        });
    }

    @Override
    public List<ReputationChange> reputationHistory(String pubkey, int limit) {
        return list("read reputation history", LedgerSql.REPUTATION_HISTORY, limit, rs -> new ReputationChange(rs.getLong(1),
                rs.getString(2), rs.getLong(3) / 1e6, rs.getLong(4) / 1e6, rs.getString(5)), pubkey);
    }

    @Override
    public long bootstrapAllowance() {
        return bootstrapAllowance;
    }
}

package dev.idleclaw.ledger;

import dev.idleclaw.receipt.SignedReceipt;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ledger that outlives its database's outages (docs/operations.md "When PostgreSQL goes away"). While the database
 * cannot be reached, accepted receipts and held-credit settlements wait in memory (at most {@link #MAX_QUEUED}, in
 * order, {@link PendingWrites}) and every other call fails at once with an {@link LedgerException#unavailable()
 * unavailable} error instead of waiting for a connection; one thread retries every {@link #RETRY} and, once the
 * database answers, writes what waited in its original order (a receipt already recorded is skipped by the unique
 * nonce key, so none counts twice). One WARN line says the database went away, one INFO line that it is back. What
 * waits is lost only if the process ends before the database returns (closing tries once more, then one WARN says how
 * many were lost). When the receipts are at their bound a newer receipt is refused with an unavailable error (not
 * recorded: its answer goes out without it), one more WARN line says so, and the INFO line counts them; settlements
 * have a bound of their own, so a full buffer still takes them.
 */
public final class OutageBuffer implements Ledger {
    private static final Logger log = LoggerFactory.getLogger(OutageBuffer.class);
    /**
     * Receipts (and settlements) held in memory during an outage: ~1 kB each, so at most ~50 MB; at a busy hub's
     * hundred receipts a second that is over eight minutes of outage, and at S2's peak of 500/s over a minute and a half.
     */
    public static final int MAX_QUEUED = 50_000;
    /** How often the database is tried again while it is away: an outage ends within a second of its return. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** Receipts written per transaction when catching up (the group commit's batch size). */
    static final int FLUSH_BATCH = GroupCommit.MAX_BATCH;

    private final JdbcLedger db;
    private final PendingWrites queued; // guarded by this
    private boolean down; // guarded by this
    private volatile boolean downFast; // read without the lock on the read paths
    /** Set by {@link #close()}: a write the retry thread loses to it then is not an error (closing reports it). */
    private volatile boolean closing;
    private long downSince;
    private final ScheduledExecutorService retry =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ledger-retry").daemon().factory());

    OutageBuffer(JdbcLedger db) {
        this(db, MAX_QUEUED);
    }

    /** {@code maxQueued}: the bound on what waits ({@link #MAX_QUEUED} but in tests). */
    OutageBuffer(JdbcLedger db, int maxQueued) {
        this(db, maxQueued, PendingWrites.MAX_SETTLEMENTS);
    }

    /** With bounds on both kinds of waiting writes (tests). */
    OutageBuffer(JdbcLedger db, int maxQueued, int maxSettlements) {
        this.db = db;
        this.queued = new PendingWrites(maxQueued, maxSettlements);
        retry.scheduleWithFixedDelay(this::tick, RETRY.toMillis(), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the database is known to be unreachable now. */
    public boolean down() {
        return downFast;
    }

    /** Receipts and settlements waiting for the database. */
    public synchronized int queued() {
        return queued.size();
    }

    @Override
    public Append append(SignedReceipt receipt, boolean debitRequester, boolean hold) {
        var op = new PendingWrites.Op.Add(receipt, debitRequester, hold);
        synchronized (this) {
            if (down || !queued.isEmpty()) return enqueue(op);
        }
        try {
            return db.append(receipt, debitRequester, hold);
        } catch (LedgerException e) {
            if (!e.unavailable()) throw e;
            wentDown(e);
            synchronized (this) {
                return enqueue(op);
            }
        }
    }

    /**
     * Queues {@code op}; when its kind is at its bound it is refused (the newest is lost, what waits keeps its order):
     * the first refusal of each kind in an outage is logged, the rest counted and reported when the database is back.
     */
    private Append enqueue(PendingWrites.Op op) { // under this
        if (queued.offer(op)) return Append.QUEUED;
        boolean receipt = op instanceof PendingWrites.Op.Add;
        if (queued.refusedLike(op) == 1) {
            if (receipt) {
                log.warn("ledger {}: {} receipt(s) already wait for the database; newer ones are not recorded until it"
                         + " is back", db.name(), queued.maxReceipts());
            } else {
                log.warn("ledger {}: {} held-credit settlement(s) already wait for the database; the held credit of keys"
                         + " that change standing from now on stays held until it is back and the key's next change",
                        db.name(), queued.maxSettlements());
            }
        }
        throw new LedgerException("ledger " + db.name() + ": unreachable, and " + (receipt ? queued.maxReceipts()
                + " receipts" : "its settlements") + " already wait for it", true);
    }

    @Override
    public long release(String pubkey) {
        return settle(pubkey, true);
    }

    @Override
    public long forfeit(String pubkey) {
        return settle(pubkey, false);
    }

    /** Settles now, or after the receipts waiting before it (0: nothing moved yet; the amount is logged when it does). */
    private long settle(String pubkey, boolean release) {
        var op = new PendingWrites.Op.Settle(pubkey, release);
        synchronized (this) {
            if (down || !queued.isEmpty()) {
                enqueue(op);
                return 0;
            }
        }
        try {
            return release ? db.release(pubkey) : db.forfeit(pubkey);
        } catch (LedgerException e) {
            if (!e.unavailable()) throw e;
            wentDown(e);
            synchronized (this) {
                enqueue(op);
            }
            return 0;
        }
    }

    /** A call that needs the database now: refused at once while it is away, and an outage it meets is noted. */
    private <T> T now(Supplier<T> call) {
        if (downFast) throw new LedgerException("ledger " + db.name() + ": unreachable since " + java.time.Instant.ofEpochMilli(downSince), true);
        try {
            return call.get();
        } catch (LedgerException e) {
            if (e.unavailable()) wentDown(e);
            throw e;
        }
    }

    private void wentDown(LedgerException e) {
        synchronized (this) {
            if (down) return;
            down = true;
            downFast = true;
            downSince = System.currentTimeMillis();
        }
        log.warn("ledger {} is unreachable ({}): receipts wait in memory (at most {}) and requests that need a balance"
                + " get 503 until it is back", db.name(), e.getMessage(), queued.maxReceipts());
    }

    /** While the database is away: writes what waited, in order, and ends the outage once all is written. */
    private void tick() {
        synchronized (this) {
            if (!down) return;
        }
        PendingWrites.Refused lost;
        try {
            int written = flush();
            db.totals(); // the database answers even when nothing waited (an outage a read ran into)
            synchronized (this) {
                if (!queued.isEmpty()) return; // more arrived meanwhile: the next tick writes them
                down = false;
                downFast = false;
                lost = queued.takeRefused();
            }
            log.info("ledger {} is reachable again after {} s; wrote {} receipt(s) and settlement(s) that waited{}",
                    db.name(), (System.currentTimeMillis() - downSince) / 1000, written,
                    lost.total() == 0 ? "" : "; " + lost.total() + " more found the queue full and were not recorded");
        } catch (RuntimeException e) {
            if (closing) return; // close() interrupted this write; it tries once more and reports what is left
            if (!(e instanceof LedgerException le)) log.error("ledger {}: cannot write what waited", db.name(), e);
            else if (!le.unavailable()) log.error("ledger {}: cannot write what waited: {}", db.name(), le.getMessage());
        }
    }

    /** Writes the queue from its head, a batch at a time, removing each batch once committed; how many went. */
    private int flush() {
        int written = 0;
        while (true) {
            List<PendingWrites.Op> head;
            synchronized (this) {
                head = queued.head(FLUSH_BATCH);
            }
            if (head.isEmpty()) return written;
            if (head.getFirst() instanceof PendingWrites.Op.Settle(String pubkey, boolean release)) {
                long tokens = release ? db.release(pubkey) : db.forfeit(pubkey);
                if (tokens > 0) log.info("{} {} held token(s) of {}", release ? "released" : "forfeited", tokens, pubkey);
            } else {
                List<PendingWrites.Op.Add> adds = head.stream().map(PendingWrites.Op.Add.class::cast).toList();
                List<Append> results = db.appendAll(adds);
                for (int i = 0; i < results.size(); i++) {
                    if (results.get(i) == Append.DUPLICATE) {
                        log.info("receipt {} of {} was already recorded; skipped", adds.get(i).receipt().receipt().nonce(),
                                adds.get(i).receipt().receipt().workerPubkey());
                    }
                }
            }
            synchronized (this) {
                queued.removeHead(head.size());
            }
            written += head.size();
        }
    }

    @Override
    public Account account(String pubkey) {
        return now(() -> db.account(pubkey));
    }

    @Override
    public Totals totals() {
        return now(db::totals);
    }

    @Override
    public List<Account> accounts(int limit) {
        return now(() -> db.accounts(limit));
    }

    @Override
    public List<SignedReceipt> recent(int limit) {
        return now(() -> db.recent(limit));
    }

    @Override
    public List<SignedReceipt> recent(String pubkey, int limit) {
        return now(() -> db.recent(pubkey, limit));
    }

    @Override
    public boolean claimRequestNonce(String pubkey, String nonce, long expiresAtMillis) {
        return now(() -> db.claimRequestNonce(pubkey, nonce, expiresAtMillis));
    }

    @Override
    public void addApiKey(byte[] sha256, String pubkey, String label) {
        now(() -> {
            db.addApiKey(sha256, pubkey, label);
            return null;
        });
    }

    @Override
    public int removeApiKeys(String pubkey) {
        return now(() -> db.removeApiKeys(pubkey));
    }

    @Override
    public Optional<String> apiKeyOwner(byte[] sha256) {
        return now(() -> db.apiKeyOwner(sha256));
    }

    @Override
    public List<ApiKey> apiKeys() {
        return now(db::apiKeys);
    }

    @Override
    public Optional<NodeStanding> standing(String pubkey) {
        return now(() -> db.standing(pubkey));
    }

    @Override
    public void saveStandings(List<NodeStanding> standings, List<ReputationChange> changes) {
        now(() -> {
            db.saveStandings(standings, changes);
            return null;
        });
    }

    @Override
    public List<ReputationChange> reputationHistory(String pubkey, int limit) {
        return now(() -> db.reputationHistory(pubkey, limit));
    }

    @Override
    public long bootstrapAllowance() {
        return db.bootstrapAllowance();
    }

    /**
     * Stops retrying (interrupting a write under way); what still waits gets one last try, and what cannot be written
     * is reported in one WARN as lost with the process.
     */
    @Override
    public void close() {
        closing = true;
        retry.shutdownNow();
        try {
            retry.awaitTermination(GroupCommit.COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (queued() > 0) {
            try {
                flush();
            } catch (RuntimeException e) {
                log.warn("ledger {}: closing while the database is unreachable ({}): {} receipt(s) and settlement(s) that"
                        + " waited for it were not written and are lost with this process", db.name(), e.getMessage(), queued());
            }
        }
        db.close();
    }
}

package dev.idleclaw.server;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.LedgerException;
import dev.idleclaw.registry.StandingListener;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the scheduler's standing decisions to the ledger (docs/trust.md "Held credits"): a key that leaves
 * probation gets its held credits released, a caught one forfeits them. The ledger work runs on one thread, in the
 * order the decisions were made, so a relay or probe thread never waits for a database commit.
 */
final class HeldCredits implements StandingListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeldCredits.class);
    /** Decisions waiting for the ledger; beyond this the deciding thread does the work itself (back-pressure). */
    static final int MAX_PENDING = 1_000;
    /** How long closing waits for decisions still queued: each is one short transaction. */
    static final long CLOSE_WAIT_SECONDS = 10;

    private final Ledger ledger;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING), Thread.ofPlatform().name("held-credits").daemon().factory(),
            new ThreadPoolExecutor.CallerRunsPolicy());

    HeldCredits(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void released(String pubkey) {
        run(pubkey, true);
    }

    @Override
    public void forfeited(String pubkey) {
        run(pubkey, false);
    }

    private void run(String pubkey, boolean release) {
        if (worker.isShutdown()) return;
        try {
            worker.execute(() -> settle(pubkey, release));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the hub is stopping; what is held stays held and is settled at the key's next change
        }
    }

    /**
     * Settles one decision. A ledger whose database is away queues it (0 now, logged when it moves); one that cannot
     * even queue it has said so once for the outage, so that is logged per key only at DEBUG. Nothing thrown here
     * reaches the deciding thread, which may be the scheduler's own ({@link ThreadPoolExecutor.CallerRunsPolicy}).
     */
    private void settle(String pubkey, boolean release) {
        String what = release ? "release" : "forfeit";
        try {
            long tokens = release ? ledger.release(pubkey) : ledger.forfeit(pubkey);
            if (tokens > 0) log.info("{} {} held token(s) of {}", release ? "released" : "forfeited", tokens, pubkey);
        } catch (LedgerException e) {
            if (e.unavailable()) log.debug("cannot {} the held credit of {} now: {}", what, pubkey, e.getMessage());
            else log.warn("cannot {} the held credit of {}: {}", what, pubkey, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("cannot {} the held credit of {}", what, pubkey, e);
        }
    }

    /** Finishes the decisions already queued (bounded wait), then stops. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

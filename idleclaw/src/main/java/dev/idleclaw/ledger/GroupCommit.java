package dev.idleclaw.ledger;

import dev.idleclaw.receipt.SignedReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for appends: callers queue their receipt and wait; one writer thread takes everything queued and
 * commits it in one transaction, so a burst of N receipts costs one durable commit (one fsync) instead of N, and
 * every caller still returns only after its receipt is on disk. Under S2's 500 receipts/s the one-commit-each
 * ledger held node slots long enough to cost 14 % of throughput (docs/benchmarks.md).
 */
final class GroupCommit implements AutoCloseable {
    /** Appends waiting for the writer; beyond this the ledger is overloaded and callers fail at once. */
    static final int MAX_PENDING = 10_000;
    /** Receipts per transaction: one commit covers them all, and a bounded batch bounds the first one's wait. */
    static final int MAX_BATCH = 512;
    /** An append that is not committed in this time reports a stuck database instead of hanging its request. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    /** One queued append. */
    record Pending(SignedReceipt receipt, boolean debitRequester, boolean hold, CompletableFuture<Ledger.Append> done) {}

    /** Commits a batch in one transaction and returns each receipt's outcome in order. */
    @FunctionalInterface
    interface Committer {
        List<Ledger.Append> commit(List<Pending> batch);
    }

    private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(MAX_PENDING);
    private final Committer committer;
    private final String name;
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(String name, Committer committer) {
        this.name = name;
        this.committer = committer;
        this.writer = Thread.ofPlatform().daemon().name("ledger-writer").start(this::loop);
    }

    /** Queues {@code receipt} and waits for its commit (see {@link Ledger#append(SignedReceipt, boolean, boolean)}). */
    Ledger.Append append(SignedReceipt receipt, boolean debitRequester, boolean hold) {
        if (closed) throw new LedgerException("ledger " + name + ": closed");
        var p = new Pending(receipt, debitRequester, hold, new CompletableFuture<>());
        if (!queue.offer(p)) throw new LedgerException("ledger " + name + ": " + MAX_PENDING + " appends already waiting");
        try {
            return p.done.get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("ledger " + name + ": interrupted while appending");
        } catch (TimeoutException e) {
            throw new LedgerException("ledger " + name + ": no commit within " + COMMIT_TIMEOUT.toSeconds() + " s", true);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LedgerException le ? le : new LedgerException("ledger " + name + ": " + e.getCause(), e.getCause());
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                List<Ledger.Append> results = committer.commit(batch);
                for (int i = 0; i < batch.size(); i++) batch.get(i).done.complete(results.get(i));
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (RuntimeException e) {
                batch.forEach(p -> p.done.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        Pending p;
        while ((p = queue.poll()) != null) p.done.completeExceptionally(new LedgerException("ledger " + name + ": closed"));
    }

    /** Commits what is queued, then stops the writer (bounded wait). */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(COMMIT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

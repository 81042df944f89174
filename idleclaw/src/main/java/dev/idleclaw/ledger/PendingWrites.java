package dev.idleclaw.ledger;

import dev.idleclaw.receipt.SignedReceipt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What waits for the database during an outage ({@link OutageBuffer}), in the order it was asked, with a bound per
 * kind: receipts are the bulk and are refused beyond theirs; held-credit settlements have their own, so a full queue
 * of receipts never costs a node the release of its held credit. A settlement of a key whose last queued write is
 * already a settlement is not queued twice: a settlement moves all the key's held credit, so a second one with no
 * receipt of the key in between moves nothing. Not thread-safe: its owner's lock guards it.
 */
final class PendingWrites {
    /**
     * Settlements held beyond the receipts: one per key whose standing changes during an outage (repeats are merged,
     * see above), ~100 bytes each, so at most ~1 MB; no hub has this many nodes change standing in one outage.
     */
    static final int MAX_SETTLEMENTS = 10_000;

    /** A write that waits for the database. */
    sealed interface Op {
        /** An accepted receipt, as {@link Ledger#append(SignedReceipt, boolean, boolean)} was asked. */
        record Add(SignedReceipt receipt, boolean debitRequester, boolean hold) implements Op {}

        /** A held-credit decision: release ({@code true}) or forfeit. */
        record Settle(String pubkey, boolean release) implements Op {}
    }

    /** Writes refused because their kind's bound was reached, since the last {@link #takeRefused()}. */
    record Refused(long receipts, long settlements) {
        long total() {
            return receipts + settlements;
        }
    }

    private final int maxReceipts;
    private final int maxSettlements;
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    private int receipts;
    private int settlements;
    /** Keys whose last queued write is a settlement: a new settlement of theirs would move nothing. */
    private final Set<String> settledLast = new HashSet<>();
    private long refusedReceipts;
    private long refusedSettlements;

    PendingWrites(int maxReceipts, int maxSettlements) {
        this.maxReceipts = maxReceipts;
        this.maxSettlements = maxSettlements;
    }

    int maxReceipts() {
        return maxReceipts;
    }

    int maxSettlements() {
        return maxSettlements;
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Queues {@code op} unless its kind's bound is reached (then the refusal is counted and {@code false} returned);
     * a settlement that would move nothing (see the class comment) is accepted without being queued.
     */
    boolean offer(Op op) {
        switch (op) {
            case Op.Add add -> {
                if (receipts >= maxReceipts) {
                    refusedReceipts++;
                    return false;
                }
                receipts++;
                settledLast.remove(add.receipt().receipt().workerPubkey());
            }
            case Op.Settle settle -> {
                if (settledLast.contains(settle.pubkey())) return true;
                if (settlements >= maxSettlements) {
                    refusedSettlements++;
                    return false;
                }
                settlements++;
                settledLast.add(settle.pubkey());
            }
        }
        queue.addLast(op);
        return true;
    }

    /** Refusals of {@code op}'s kind so far (1 on the first: the one to log). */
    long refusedLike(Op op) {
        return op instanceof Op.Add ? refusedReceipts : refusedSettlements;
    }

    /** The refusals counted since the last call, which starts counting again. */
    Refused takeRefused() {
        var r = new Refused(refusedReceipts, refusedSettlements);
        refusedReceipts = 0;
        refusedSettlements = 0;
        return r;
    }

    /** The next write unit from the head: one settlement alone, or up to {@code batch} receipts before the next one. */
    List<Op> head(int batch) {
        List<Op> head = new ArrayList<>();
        for (Op op : queue) {
            if (op instanceof Op.Settle && !head.isEmpty()) break;
            head.add(op);
            if (op instanceof Op.Settle || head.size() == batch) break;
        }
        return head;
    }

    /** Drops the first {@code n} writes, once they are committed. */
    void removeHead(int n) {
        for (int i = 0; i < n; i++) {
            switch (queue.removeFirst()) {
                case Op.Add _ -> receipts--;
                case Op.Settle s -> {
                    settlements--;
                    // written: a later settlement of the key is judged against what the database now holds
                    settledLast.remove(s.pubkey());
                }
            }
        }
    }
}

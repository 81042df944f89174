package dev.idleclaw.e2e;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A ledger as found on disk after a crash, read two ways: through {@link Ledgers#open} (receipts, accounts, totals
 * as the hub would see them) and with plain SQL over the receipts table (counts the ledger API does not offer).
 * Balances are recomputed here from the receipts alone, to compare with what the ledger kept incrementally.
 */
record LedgerAudit(long rows, long distinctWorkerNonces, long distinctJobs, long maxSeq,
                   Map<String, SignedReceipt> receipts, Ledger.Totals totals, Map<String, Ledger.Account> accounts,
                   Ledger.Totals recomputedTotals, Map<String, Ledger.Account> recomputedAccounts) {
    /** {@link Ledger#recent} returns at most this many rows; an audit of a bigger ledger would be partial. */
    static final int MAX_RECEIPTS = 10_000;
    /** The allowance does not enter any sum checked here; any value opens the ledger. */
    static final long ALLOWANCE = 10_000;
    private static final String COUNTS = "SELECT count(*), count(DISTINCT worker_pubkey || '|' || nonce), "
            + "count(DISTINCT job_id), coalesce(max(seq), 0) FROM receipts";

    /** The key a receipt is unique by in the ledger. */
    static String key(Receipt r) {
        return r.workerPubkey() + "|" + r.nonce();
    }

    static LedgerAudit of(String target) throws SQLException {
        long[] counts = new long[4];
        try (Connection c = DriverManager.getConnection(jdbcUrl(target)); var s = c.createStatement(); var rs = s.executeQuery(COUNTS)) {
            rs.next();
            for (int i = 0; i < counts.length; i++) counts[i] = rs.getLong(i + 1);
        }
        if (counts[0] >= MAX_RECEIPTS) throw new AssertionError("the ledger holds " + counts[0] + " receipts, too many to audit in full");
        try (Ledger ledger = Ledgers.open(target, ALLOWANCE)) {
            List<SignedReceipt> all = ledger.recent(MAX_RECEIPTS);
            Map<String, SignedReceipt> byKey = all.stream().collect(Collectors.toMap(r -> key(r.receipt()), r -> r, (a, b) -> a));
            Map<String, Ledger.Account> accounts = ledger.accounts(MAX_RECEIPTS).stream()
                    .collect(Collectors.toMap(Ledger.Account::pubkey, LedgerAudit::credited));
            return new LedgerAudit(counts[0], counts[1], counts[2], counts[3], byKey, credited(ledger.totals()), accounts,
                    totalsOf(all), accountsOf(all));
        }
    }

    /**
     * The worker's side of an account whatever its standing: earned, held (its key on probation) and forfeited together,
     * since this audit checks where credit moved and that nothing was lost, not when a key left probation (the
     * Ledger contract test checks the split).
     */
    static Ledger.Account credited(Ledger.Account a) {
        return new Ledger.Account(a.pubkey(), a.earned() + a.held() + a.forfeited(), a.spent(), a.receipts(), a.allowance());
    }

    static Ledger.Totals credited(Ledger.Totals t) {
        return new Ledger.Totals(t.earned() + t.held() + t.forfeited(), t.spent(), t.receipts());
    }

    private static String jdbcUrl(String target) {
        return target.startsWith("jdbc:") ? target : "jdbc:sqlite:" + target;
    }

    /** What the totals row must say, summed over the receipts themselves. */
    static Ledger.Totals totalsOf(List<SignedReceipt> all) {
        long earned = 0, spent = 0;
        for (SignedReceipt s : all) {
            if (Receipt.ANONYMOUS.equals(s.receipt().requesterPubkey())) continue; // nobody paid: nobody earned
            earned += s.receipt().tokens();
            spent += s.receipt().tokens();
        }
        return new Ledger.Totals(earned, spent, all.size());
    }

    /** What each account must say: a (non-anonymous) requester spends a receipt's tokens and its worker earns them. */
    static Map<String, Ledger.Account> accountsOf(List<SignedReceipt> all) {
        Map<String, long[]> sums = new HashMap<>();
        for (SignedReceipt s : all) {
            Receipt r = s.receipt();
            long[] worker = sums.computeIfAbsent(r.workerPubkey(), k -> new long[3]);
            worker[2]++;
            if (Receipt.ANONYMOUS.equals(r.requesterPubkey())) continue;
            worker[0] += r.tokens();
            long[] requester = sums.computeIfAbsent(r.requesterPubkey(), k -> new long[3]);
            requester[1] += r.tokens();
            if (requester != worker) requester[2]++;
        }
        Map<String, Ledger.Account> out = new HashMap<>();
        sums.forEach((k, v) -> out.put(k, new Ledger.Account(k, v[0], v[1], v[2], ALLOWANCE)));
        return out;
    }
}

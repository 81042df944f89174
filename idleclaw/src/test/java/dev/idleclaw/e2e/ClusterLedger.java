package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.receipt.SignedReceipt;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The audit of a ledger several hubs share, as {@link LedgerCrashIT} audits one hub's. */
final class ClusterLedger {
    private ClusterLedger() {}

    /**
     * Every receipt a consumer was handed is in the ledger as handed out, nothing is in it twice, no sequence number
     * is missing, and the balances kept incrementally equal the sums over the receipts.
     */
    static void assertHolds(String target, List<SignedReceipt> acknowledged) throws Exception {
        LedgerAudit audit = LedgerAudit.of(target);
        Map<String, SignedReceipt> byKey = acknowledged.stream().collect(Collectors.toMap(r -> LedgerAudit.key(r.receipt()), r -> r));
        assertThat(byKey).as("no receipt handed out twice").hasSize(acknowledged.size());
        assertThat(audit.receipts()).as("every acknowledged receipt, as acknowledged").containsAllEntriesOf(byKey);
        assertThat(audit.receipts().values()).allMatch(SignedReceipt::signatureValid);
        assertThat(List.of(audit.distinctWorkerNonces(), audit.distinctJobs(), audit.maxSeq(), (long) audit.receipts().size()))
                .as("no duplicates and no gaps: distinct (worker, nonce), distinct jobs, last seq, receipts read")
                .containsOnly(audit.rows());
        assertThat(audit.totals()).isEqualTo(audit.recomputedTotals());
        assertThat(audit.accounts()).isEqualTo(audit.recomputedAccounts());
    }
}

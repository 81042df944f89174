package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ledger durability: the hub process is SIGKILLed while signed consumers are being served (and receipts appended)
 * as fast as two node agents answer. After a restart on the same ledger, every receipt a consumer was handed before
 * the kill is recorded, exactly once, and the balances kept incrementally equal the sums over the receipts. The
 * ledger may hold a few receipts more than were acknowledged: appended, but their answers died with the hub.
 */
@Timeout(60)
class LedgerCrashIT {
    static final String MODEL = "llama3.2:3b";
    /** Two workers, so the ledger interleaves receipts of different keys. */
    static final int NODES = 2;
    /** Slots per node: with {@link #CONSUMER_THREADS} the hub always has answers in flight. */
    static final int NODE_SLOTS = 4;
    /** As many consumers as there are node slots in all, so no slot idles and the ledger is appended at full speed. */
    static final int CONSUMER_THREADS = 8;
    /** How long the load runs before the kill. */
    static final Duration LOAD = Duration.ofSeconds(2);
    /** The kill waits for at least this many acknowledged receipts, so the check is never vacuous… */
    static final int MIN_ACKNOWLEDGED = 20;
    /** …but not forever. */
    static final Duration LOAD_LIMIT = Duration.ofSeconds(20);
    /** What {@code destroyForcibly} yields on Linux: 128 + SIGKILL(9). */
    static final int SIGKILLED = 137;
    /** The report says how many receipts were acknowledged this shortly before the kill: the pace it interrupted. */
    static final Duration JUST_BEFORE = Duration.ofMillis(500);

    @Test
    void everyAcknowledgedReceiptSurvivesASigkilledHubOnSqlite() throws Exception {
        crashAndAudit("sqlite", null);
    }

    @Test
    void everyAcknowledgedReceiptSurvivesASigkilledHubOnPostgres() throws Exception {
        try (var pg = PostgresSchema.fresh()) {
            crashAndAudit("postgres", pg.url());
        }
    }

    private void crashAndAudit(String database, String ledger) throws Exception {
        List<Identity> consumers = List.of(Identity.generate(), Identity.generate());
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new ProcessNetwork(ledger)) {
            net.startHub();
            net.startNodes(NODES, ollama.baseUrl(), NODE_SLOTS);
            Crash crash = killUnderLoad(net, consumers);
            boolean wal = ledger == null && Files.exists(net.dataDir.resolve("ledger.db-wal"));

            net.startHub();
            long afterCrash = net.json("/balance").path("totals").path("receipts").asLong();
            assertThat(net.json("/ledger?limit=500").path("total").asLong()).isEqualTo(afterCrash);
            net.awaitNodes(1);
            SignedReceipt afterRestart = new ReceiptLoad(net.url(), MODEL).once(consumers.getFirst());
            assertThat(afterRestart).as("a receipt from the restarted hub").isNotNull();
            assertThat(net.hub.stop()).as("restarted hub exit after SIGTERM").isIn(0, 143);

            LedgerAudit audit = LedgerAudit.of(net.ledgerTarget());
            assertSurvived(audit, crash.acked, afterRestart, afterCrash);
            assertThat(audit.accounts()).hasSize(NODES + consumers.size());
            System.out.printf("[%s] load %d ms, %d consumers on %d nodes: %d receipts acknowledged before the SIGKILL "
                            + "(%d in its last %d ms), %d requests cut off, %d in the ledger after the restart "
                            + "(%d appended but never acknowledged)%s; +1 after the restart = %d rows, %d tokens earned, %d spent%n",
                    database, crash.loadMillis, CONSUMER_THREADS, NODES, crash.acked.size(), crash.justBefore, JUST_BEFORE.toMillis(),
                    crash.cutOff, afterCrash, afterCrash - crash.acked.size(), wal ? ", recovered from a left-over WAL file" : "",
                    audit.rows(), audit.totals().earned(), audit.totals().spent());
        }
    }

    /** What the consumers saw of a hub killed under their load. */
    record Crash(List<SignedReceipt> acked, long loadMillis, long justBefore, int cutOff) {}

    private static Crash killUnderLoad(ProcessNetwork net, List<Identity> consumers) throws Exception {
        Proc hub = net.hub;
        long t0 = System.nanoTime(), killedAt;
        int exit;
        var load = ReceiptLoad.start(net.url(), MODEL, CONSUMER_THREADS, consumers);
        try (load) {
            await().atMost(LOAD_LIMIT).pollInterval(Duration.ofMillis(20)).until(() ->
                    System.nanoTime() - t0 >= LOAD.toNanos() && load.acknowledged.size() >= MIN_ACKNOWLEDGED);
            killedAt = System.nanoTime();
            exit = hub.kill();
        }
        assertThat(exit).as("hub exit code").isEqualTo(SIGKILLED);
        assertThat(hub.output()).as("the hub died without a shutdown").doesNotContain("stopping hub").doesNotContain("hub stopped");
        assertThat(load.failed).as("requests in flight when the hub died").hasPositiveValue();
        assertThat(load.badSignatures).as("receipts with a bad signature").hasValue(0);
        assertThat(load.withoutReceipt).as("answers without a receipt").hasValue(0);
        return new Crash(List.copyOf(load.acknowledged), (killedAt - t0) / 1_000_000,
                load.acknowledgedWithin(JUST_BEFORE, killedAt), load.failed.get());
    }

    /** Every acknowledged receipt is in the ledger as acknowledged, nothing twice, and the balances add up. */
    private static void assertSurvived(LedgerAudit audit, List<SignedReceipt> acked, SignedReceipt afterRestart, long afterCrash) {
        Map<String, SignedReceipt> ackedByKey = acked.stream().collect(Collectors.toMap(r -> LedgerAudit.key(r.receipt()), r -> r));
        assertThat(ackedByKey).as("the hub never handed out one receipt twice").hasSize(acked.size());
        assertThat(audit.receipts()).as("every acknowledged receipt, as acknowledged").containsAllEntriesOf(ackedByKey)
                .containsEntry(LedgerAudit.key(afterRestart.receipt()), afterRestart);
        assertThat(audit.receipts().values()).allMatch(SignedReceipt::signatureValid);
        assertThat(List.of(audit.distinctWorkerNonces(), audit.distinctJobs(), audit.maxSeq(), (long) audit.receipts().size()))
                .as("no duplicates and no gaps: distinct (worker, nonce), distinct jobs, last seq, receipts read")
                .containsOnly(audit.rows());
        assertThat(audit.rows()).isEqualTo(afterCrash + 1).isGreaterThanOrEqualTo(acked.size() + 1L);
        assertThat(audit.totals()).isEqualTo(audit.recomputedTotals());
        assertThat(audit.accounts()).isEqualTo(audit.recomputedAccounts());
    }
}

package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.registry.Standing;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.Nondeterminism;
import dev.idleclaw.testkit.StandInModel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trust fleet of issue 16 (docs/trust.md "The fleet"): a real hub, honest nodes with their hardware's small
 * nondeterminism and one node of every lying kind, each a real node agent with its own key, under consumer traffic
 * through the real doors, with hidden checks and re-runs at accelerated rates. Every liar ends auto-suspended within
 * a bounded number of consumer requests and gets no consumer traffic after; no honest node is flagged or suspended;
 * liars' held credit is forfeited and honest newcomers' released; the ledger adds up.
 */
@Timeout(240)
class TrustFleetTest {
    /** A claimed 8B model of 10 GB: decoding it is bounded by 5 TB/s ÷ 10 GB = 500 tokens/s on any hardware. */
    static final long SIZE = 10_000_000_000L;
    /** An honest node's pace: 3 ms a word (under 333 tokens/s), within the bound above. */
    static final Duration PACE = Duration.ofMillis(3);
    /** Hidden checks per node per hour: one every 2 s on average (the default is 4). */
    static final double CANARY_RATE = 1800;
    /** Share of consumer chats re-run (the default is 0.01). */
    static final double RERUN_SHARE = 0.1;
    /**
     * Consumer requests in flight at once: more than the two trusted nodes' four slots (so newcomers get traffic, as on
     * a busy network), fewer than the four honest nodes' eight (so the honest nodes alone carry it once liars are out).
     */
    static final int CONCURRENCY = 6;
    /** Consumer requests by which every liar must be caught (observed: see the printed counts). */
    static final int CATCH_BOUND = 600;
    /** Consumer requests after the last liar was caught, during which no liar may serve one. */
    static final int AFTER = 200;
    static final Behaviour HONEST = Lies.honest(Nondeterminism.typical()).withDelayPerToken(PACE);

    /** Every lying kind, as its stand-in behaves. */
    static Map<String, Behaviour> liars() {
        return Lies.fleet(HONEST, PACE);
    }

    @Test
    void everyLyingKindIsSuspendedAndStarvedWhileHonestNodesKeepTheirTraffic() throws Exception {
        try (var fleet = new TrustFleet(c -> {
            c.canaryRate = CANARY_RATE;
            c.rerunShare = RERUN_SHARE;
        })) {
            var model = StandInModel.of(TrustFleet.MODEL).withSize(SIZE);
            List<String> honest = List.of("honest_1", "honest_2", "honest_3", "honest_4");
            for (String h : honest) fleet.node(h, model, HONEST);
            // A new network's operator vouches for two nodes it knows: the fingerprint voters. The others are newcomers.
            var scheduler = fleet.net.hub.scheduler();
            for (String h : honest.subList(0, 2)) scheduler.operator(fleet.members.get(h).key().publicKey(), Standing.Action.TRUST);
            liars().forEach((kind, b) -> fleet.node(kind, model, b));
            fleet.consumers(3);

            Map<String, Integer> caughtAt = new ConcurrentHashMap<>();
            var watcher = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    for (String kind : liars().keySet()) {
                        var state = scheduler.standing(fleet.members.get(kind).link()).state();
                        if (state == Standing.State.AUTO_SUSPENDED) caughtAt.putIfAbsent(kind, fleet.sent.get());
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long start = System.nanoTime();
            try (var pool = Executors.newFixedThreadPool(CONCURRENCY)) {
                for (int i = 0; i < CATCH_BOUND && caughtAt.size() < liars().size(); i++) {
                    int n = i;
                    pool.submit(() -> fleet.ask(n));
                    while (fleet.sent.get() < n - CONCURRENCY) Thread.sleep(1);
                }
            }
            watcher.interrupt();
            System.out.printf("TrustFleetTest: %d consumer requests in %.1f s; caught after (consumer requests sent): %s%n",
                    fleet.sent.get(), (System.nanoTime() - start) / 1e9, caughtAt);
            for (var m : fleet.members.values()) {
                System.out.printf("  %-16s %-16s answers %4d reputation %.2f flags %s%n", m.kind(), scheduler.standing(m.link()).state().label,
                        fleet.answers(m), scheduler.reputation(m.link()), m.link().suspicion().counts());
            }
            assertThat(caughtAt).as("liars caught within " + CATCH_BOUND + " consumer requests").containsOnlyKeys(liars().keySet());
            assertThat(fleet.failed).as("consumer requests that failed").hasValue(0);

            // Caught liars get no more consumer traffic; honest nodes serve all of it.
            Map<String, Long> before = new LinkedHashMap<>();
            fleet.members.forEach((kind, m) -> before.put(kind, fleet.answers(m)));
            int from = fleet.sent.get();
            try (var pool = Executors.newFixedThreadPool(CONCURRENCY)) {
                for (int i = 0; i < AFTER; i++) {
                    int n = from + i;
                    pool.submit(() -> fleet.ask(n));
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> fleet.net.hub.stats().active() == 0);
            long honestServed = 0;
            for (var m : fleet.members.values()) {
                long got = fleet.answers(m) - before.get(m.kind());
                if (m.kind().startsWith("honest")) {
                    honestServed += got;
                    assertThat(got).as(m.kind() + " keeps its traffic").isPositive();
                    assertThat(m.link().suspicion().flags()).as(m.kind() + " flags").isEmpty();
                } else {
                    assertThat(got).as(m.kind() + " consumer answers after it was caught").isZero();
                    assertThat(scheduler.standing(m.link()).state()).as(m.kind()).isEqualTo(Standing.State.AUTO_SUSPENDED);
                }
            }
            System.out.printf("TrustFleetTest: after the catch, honest nodes served %d of %d consumer requests (%d failed)%n",
                    honestServed, AFTER, fleet.failed.get());
            assertThat(fleet.failed).as("consumer requests that failed: " + fleet.failures).hasValue(0);
            assertThat(honestServed).isEqualTo(AFTER);
            for (String h : honest) assertThat(scheduler.standing(fleet.members.get(h).link()).state().suspended()).isFalse();
            for (String h : honest.subList(2, 4)) { // hidden checks go on (one per node every 2 s): their fifth pass
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scheduler.standing(fleet.members.get(h).link()).state())
                        .as(h + " left probation").isEqualTo(Standing.State.TRUSTED));
            }
            assertCredits(fleet);
            fleet.close();
            assertAudit(LedgerAudit.of(fleet.net.dataDir.resolve(Ledgers.DEFAULT_FILE).toString()));
        }
    }

    /** Liars' consumer credit is all forfeited, honest newcomers' all released, and every debited token is accounted for. */
    private static void assertCredits(TrustFleet fleet) {
        Ledger ledger = fleet.net.hub.ledger();
        var receipts = ledger.recent(LedgerAudit.MAX_RECEIPTS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (var m : fleet.members.values()) {
                long paid = receipts.stream().filter(r -> r.receipt().workerPubkey().equals(m.key().publicKey())
                        && !Receipt.ANONYMOUS.equals(r.receipt().requesterPubkey())).mapToLong(r -> r.receipt().tokens()).sum();
                Ledger.Account a = ledger.account(m.key().publicKey());
                if (m.kind().startsWith("honest")) {
                    assertThat(a.held() + a.forfeited()).as(m.kind() + " held or forfeited").isZero();
                    assertThat(a.earned()).as(m.kind() + " earned").isEqualTo(paid).isPositive();
                } else {
                    assertThat(a.earned() + a.held()).as(m.kind() + " earned or still held").isZero();
                    assertThat(a.forfeited()).as(m.kind() + " forfeited").isEqualTo(paid);
                }
            }
        });
        var t = ledger.totals();
        assertThat(t.spent()).isEqualTo(t.earned() + t.held() + t.forfeited()).isPositive();
        assertThat(t.forfeited()).isPositive();
        System.out.printf("TrustFleetTest ledger: spent %d = earned %d + held %d + forfeited %d%n", t.spent(), t.earned(), t.held(), t.forfeited());
    }

    /** The receipts audit of {@code e2e/LedgerAudit}: balances kept incrementally equal those recomputed from receipts. */
    private static void assertAudit(LedgerAudit audit) {
        assertThat(audit.receipts().values()).allMatch(dev.idleclaw.receipt.SignedReceipt::signatureValid);
        assertThat(List.of(audit.distinctWorkerNonces(), audit.distinctJobs(), audit.maxSeq(), (long) audit.receipts().size()))
                .containsOnly(audit.rows());
        assertThat(audit.totals()).isEqualTo(audit.recomputedTotals());
        assertThat(audit.accounts()).isEqualTo(audit.recomputedAccounts());
    }
}

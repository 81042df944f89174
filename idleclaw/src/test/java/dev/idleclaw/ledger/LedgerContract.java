package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.json.Json;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link Ledger} must do, run against a real database by each subclass. */
abstract class LedgerContract {
    static final long ALLOWANCE = 10_000;
    /** 8 threads × 250 receipts: enough contention to lose an update if the balances were not transactional. */
    static final int THREADS = 8;
    static final int PER_THREAD = 250;
    /** How long the child appends before it is killed: long enough for hundreds of commits. */
    static final java.time.Duration CRASH_RUN = java.time.Duration.ofMillis(1_500);

    final Identity worker = Identity.generate();
    final Identity otherWorker = Identity.generate();
    final String requester = Identity.generate().publicKey();
    Ledger ledger;

    /** Prepares a fresh, empty database for this test. */
    abstract void prepare() throws Exception;

    /** Opens the ledger on this test's database (again after a close, to simulate a restart). */
    abstract Ledger open(long allowance);

    /** What {@link Ledgers#open} takes for this test's database. */
    abstract String target();

    /** A plain JDBC connection to this test's database, for checking what is stored. */
    abstract Connection inspect() throws SQLException;

    /** Removes this test's database. */
    abstract void cleanUp() throws Exception;

    @BeforeEach
    final void openLedger() throws Exception {
        prepare();
        ledger = open(ALLOWANCE);
    }

    @AfterEach
    final void closeLedger() throws Exception {
        try {
            if (ledger != null) ledger.close();
        } finally {
            cleanUp();
        }
    }

    Ledger reopen() {
        ledger.close();
        ledger = open(ALLOWANCE);
        return ledger;
    }

    @Test
    void anAcceptedReceiptCreditsTheWorkerAndDebitsTheRequester() {
        assertThat(ledger.append(Receipts.signed(worker, requester, 120, 30))).isEqualTo(Ledger.Append.ACCEPTED);

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 150, 0, 1, ALLOWANCE));
        assertThat(ledger.account(worker.publicKey()).available()).isEqualTo(10_150);
        assertThat(ledger.account(requester)).isEqualTo(new Ledger.Account(requester, 0, 150, 1, ALLOWANCE));
        assertThat(ledger.account(requester).available()).isEqualTo(9_850);
        assertThat(ledger.account(requester).net()).isEqualTo(-150);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(150, 150, 1));
    }

    @Test
    void anUnknownKeyHasZerosAndTheFullAllowance() {
        String stranger = Identity.generate().publicKey();
        assertThat(ledger.account(stranger)).isEqualTo(new Ledger.Account(stranger, 0, 0, 0, ALLOWANCE));
        assertThat(ledger.account(stranger).available()).isEqualTo(ALLOWANCE);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 0, 0));
    }

    @Test
    void theBootstrapAllowanceIsConfigurable() {
        ledger.append(Receipts.signed(worker, requester, 100, 0));
        ledger.close();
        ledger = open(500);
        assertThat(ledger.bootstrapAllowance()).isEqualTo(500);
        assertThat(ledger.account(requester).available()).isEqualTo(400);
        assertThat(ledger.account(Identity.generate().publicKey()).available()).isEqualTo(500);
    }

    @Test
    void aRepeatedNonceFromTheSameWorkerIsADuplicateAndChangesNothing() {
        String nonce = Receipts.nonce();
        ledger.append(Receipts.signed(worker, requester, nonce, 10, 5));

        assertThat(ledger.append(Receipts.signed(worker, requester, nonce, 999, 999))).isEqualTo(Ledger.Append.DUPLICATE);
        assertThat(ledger.account(worker.publicKey()).earned()).isEqualTo(15);
        assertThat(ledger.account(requester).spent()).isEqualTo(15);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(15, 15, 1));
        assertThat(ledger.recent(10)).hasSize(1);
    }

    @Test
    void aReplayAfterARestartIsStillADuplicate() {
        SignedReceipt receipt = Receipts.signed(worker, requester, 10, 5);
        ledger.append(receipt);

        reopen();

        assertThat(ledger.append(receipt)).isEqualTo(Ledger.Append.DUPLICATE);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(15, 15, 1));
        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 15, 0, 1, ALLOWANCE));
    }

    @Test
    void theSameNonceFromAnotherWorkerIsAccepted() {
        String nonce = Receipts.nonce();
        assertThat(ledger.append(Receipts.signed(worker, requester, nonce, 10, 0))).isEqualTo(Ledger.Append.ACCEPTED);
        assertThat(ledger.append(Receipts.signed(otherWorker, requester, nonce, 20, 0))).isEqualTo(Ledger.Append.ACCEPTED);

        assertThat(ledger.account(requester).spent()).isEqualTo(30);
        assertThat(ledger.totals().receipts()).isEqualTo(2);
    }

    @Test
    void anAnonymousRequestIsRecordedButNobodyEarnsOrSpends() {
        ledger.append(Receipts.signed(worker, Receipt.ANONYMOUS, 40, 2));

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 0, 0, 1, ALLOWANCE));
        assertThat(ledger.account(Receipt.ANONYMOUS)).isEqualTo(new Ledger.Account(Receipt.ANONYMOUS, 0, 0, 0, ALLOWANCE));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 0, 1));
        assertThat(ledger.accounts(10)).extracting(Ledger.Account::pubkey).containsExactly(worker.publicKey());
    }

    @Test
    void aWorkerServingItselfEarnsAndSpendsTheSameReceiptOnce() {
        ledger.append(Receipts.signed(worker, worker.publicKey(), 7, 3));

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 10, 10, 1, ALLOWANCE));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(10, 10, 1));
    }

    @Test
    void anUnverifiedRequesterIsRecordedButNotDebitedAndTheWorkerEarnsNothing() {
        SignedReceipt receipt = Receipts.signed(worker, requester, 30, 10);
        assertThat(ledger.append(receipt, false)).isEqualTo(Ledger.Append.ACCEPTED);

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 0, 0, 1, ALLOWANCE));
        assertThat(ledger.account(requester)).isEqualTo(new Ledger.Account(requester, 0, 0, 0, ALLOWANCE));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 0, 1));
        assertThat(ledger.recent(10)).containsExactly(receipt);
        assertThat(ledger.append(receipt, true)).as("the nonce is taken either way").isEqualTo(Ledger.Append.DUPLICATE);
        assertThat(ledger.account(requester).spent()).isZero();
    }

    @Test
    void aWorkerNamingItselfUnverifiedNeitherEarnsNorSpends() {
        ledger.append(Receipts.signed(worker, worker.publicKey(), 7, 3), false);

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 0, 0, 1, ALLOWANCE));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 0, 1));
    }

    @Test
    void recentListsTheNewestFirstAndTheSignaturesStillVerify() throws Exception {
        List<SignedReceipt> appended = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var r = Receipts.signed(i % 2 == 0 ? worker : otherWorker, requester, i, i * 10);
            appended.add(r);
            ledger.append(r);
        }

        List<SignedReceipt> recent = ledger.recent(3);

        assertThat(recent).containsExactly(appended.get(4), appended.get(3), appended.get(2));
        assertThat(recent).allMatch(SignedReceipt::signatureValid);
        assertThat(ledger.recent(100)).hasSize(5);
        assertThat(ledger.recent(0)).isEmpty();
        try (var c = inspect(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT signed_json FROM receipts ORDER BY seq")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(Json.write(appended.getFirst().toJson()));
        }
    }

    @Test
    void aKeysRecentReceiptsAreThoseNamingItAsRequesterOrWorkerNewestFirst() {
        String stranger = Identity.generate().publicKey();
        var asRequester = Receipts.signed(otherWorker, requester, 1, 1);
        var other = Receipts.signed(otherWorker, stranger, 2, 2);
        var asWorker = Receipts.signed(worker, stranger, 3, 3);
        for (var r : List.of(asRequester, other, asWorker)) ledger.append(r);

        assertThat(ledger.recent(requester, 10)).containsExactly(asRequester);
        assertThat(ledger.recent(worker.publicKey(), 10)).containsExactly(asWorker);
        assertThat(ledger.recent(stranger, 1)).containsExactly(asWorker);
        assertThat(ledger.recent(Identity.generate().publicKey(), 10)).isEmpty();
    }

    @Test
    void accountsAreOrderedByAvailableCreditThenKey() {
        String a = "lob1" + "a".repeat(64), b = "lob1" + "b".repeat(64);
        ledger.append(Receipts.signed(worker, a, 50, 0));       // worker +50, a −50
        ledger.append(Receipts.signed(otherWorker, b, 50, 0));  // otherWorker +50, b −50
        ledger.append(Receipts.signed(worker, b, 10, 0));       // worker +60, b −60

        assertThat(ledger.accounts(10)).extracting(Ledger.Account::pubkey)
                .containsExactly(worker.publicKey(), otherWorker.publicKey(), a, b);
        assertThat(ledger.accounts(2)).extracting(Ledger.Account::available).containsExactly(10_060L, 10_050L);
        String first = worker.publicKey().compareTo(otherWorker.publicKey()) < 0 ? worker.publicKey() : otherWorker.publicKey();
        ledger.append(Receipts.signed(otherWorker, a, 10, 0));  // both workers at +60: the smaller key first
        assertThat(ledger.accounts(1)).extracting(Ledger.Account::pubkey).containsExactly(first);
    }

    @Test
    void aRequestNonceCanBeClaimedOnceUntilItExpires() {
        long inAMinute = System.currentTimeMillis() + 60_000;
        assertThat(ledger.claimRequestNonce(requester, "n1", inAMinute)).isTrue();
        assertThat(ledger.claimRequestNonce(requester, "n1", inAMinute)).isFalse();
        assertThat(ledger.claimRequestNonce(worker.publicKey(), "n1", inAMinute)).as("another key's nonce").isTrue();

        reopen();

        assertThat(ledger.claimRequestNonce(requester, "n1", inAMinute)).as("replay after a restart").isFalse();
    }

    @Test
    void anExpiredRequestNonceMayBeClaimedAgain() {
        long past = System.currentTimeMillis() - 1;
        assertThat(ledger.claimRequestNonce(requester, "old", past)).isTrue();
        assertThat(ledger.claimRequestNonce(requester, "old", System.currentTimeMillis() + 60_000)).isTrue();
        assertThat(ledger.claimRequestNonce(requester, "old", System.currentTimeMillis() + 60_000)).isFalse();
    }

    @Test
    void claimingPurgesExpiredRequestNoncesNowAndThen() throws Exception {
        long past = System.currentTimeMillis() - 1;
        for (int i = 0; i < JdbcLedger.PURGE_EVERY; i++) ledger.claimRequestNonce(requester, "e" + i, past);

        assertThat(countNonces()).as("the last claim purged every expired nonce").isZero();
    }

    @Test
    void aPurgeRemovesOnlyExpiredNoncesAndAtMostOneBatch() throws Exception {
        long now = System.currentTimeMillis();
        try (var c = inspect(); var s = c.prepareStatement("INSERT INTO request_nonces (pubkey, nonce, expires_at) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < JdbcLedger.PURGE_BATCH + 5; i++) {
                s.setString(1, requester);
                s.setString(2, "e" + i);
                s.setLong(3, now - 1 - i);
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
        ledger.claimRequestNonce(requester, "live", now + 60_000);
        var jdbc = (JdbcLedger) ledger;

        assertThat(jdbc.purgeExpiredNonces(now)).isEqualTo(JdbcLedger.PURGE_BATCH);
        assertThat(jdbc.purgeExpiredNonces(now)).isEqualTo(5);
        assertThat(jdbc.purgeExpiredNonces(now)).isZero();
        assertThat(countNonces()).isEqualTo(1);
        assertThat(ledger.claimRequestNonce(requester, "live", now + 60_000)).isFalse();
    }

    @Test
    void aKeyHoldsAtMostItsShareOfLiveNoncesAndExpiredOnesDoNotCount() throws Exception {
        long now = System.currentTimeMillis();
        insertNonces(requester, JdbcLedger.MAX_LIVE_NONCES_PER_KEY, now - 1);
        insertNonces(requester, JdbcLedger.MAX_LIVE_NONCES_PER_KEY - 1, now + 60_000);

        assertThat(ledger.claimRequestNonce(requester, "last", now + 60_000)).as("the last one within the bound").isTrue();
        assertThatThrownBy(() -> ledger.claimRequestNonce(requester, "one-more", now + 60_000))
                .isInstanceOf(NonceLimitException.class).hasMessageContaining("retry later");
        assertThat(ledger.claimRequestNonce(worker.publicKey(), "n1", now + 60_000)).as("another key").isTrue();
    }

    @Test
    void theLiveNoncesOfAllKeysAreBounded() throws Exception {
        long now = System.currentTimeMillis();
        int keys = JdbcLedger.MAX_LIVE_NONCES / JdbcLedger.MAX_LIVE_NONCES_PER_KEY;
        for (int k = 0; k < keys; k++) insertNonces("lob1throwaway" + k, JdbcLedger.MAX_LIVE_NONCES_PER_KEY, now + 60_000);

        assertThatThrownBy(() -> ledger.claimRequestNonce(requester, "n1", now + 60_000))
                .isInstanceOf(NonceLimitException.class);
        try (var c = inspect(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE request_nonces SET expires_at = " + (now - 1) + " WHERE pubkey = 'lob1throwaway0'");
        }
        assertThat(ledger.claimRequestNonce(requester, "n1", now + 60_000)).as("once some expired").isTrue();
    }

    /** Inserts {@code n} nonces of {@code pubkey} expiring at {@code expiresAt}, in one transaction. */
    private void insertNonces(String pubkey, int n, long expiresAt) throws SQLException {
        try (var c = inspect(); var s = c.prepareStatement("INSERT INTO request_nonces (pubkey, nonce, expires_at) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                s.setString(1, pubkey);
                s.setString(2, "bulk-" + expiresAt + "-" + i);
                s.setLong(3, expiresAt);
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
    }

    private long countNonces() throws SQLException {
        try (var c = inspect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM request_nonces")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void apiKeysAreBoundByTheirHashAndCanBeRemoved() throws Exception {
        byte[] alice = sha256("ick_alice"), alice2 = sha256("ick_alice_2"), bob = sha256("ick_bob");
        ledger.addApiKey(alice, requester, "alice laptop");
        ledger.addApiKey(alice2, requester, "alice phone");
        ledger.addApiKey(bob, worker.publicKey(), "bob");

        assertThat(ledger.apiKeyOwner(alice)).contains(requester);
        assertThat(ledger.apiKeyOwner(sha256("unknown"))).isEmpty();
        assertThat(ledger.apiKeys()).extracting(Ledger.ApiKey::label).containsExactlyInAnyOrder("alice laptop", "alice phone", "bob");
        try (var c = inspect(); var s = c.prepareStatement("SELECT count(*) FROM api_keys WHERE sha256 = ?")) {
            s.setString(1, java.util.HexFormat.of().formatHex(alice));
            try (var rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("stored as lowercase hex").isEqualTo(1);
            }
        }

        assertThat(ledger.removeApiKeys(requester)).isEqualTo(2);
        assertThat(ledger.apiKeyOwner(alice)).isEmpty();
        assertThat(ledger.apiKeys()).extracting(Ledger.ApiKey::pubkey).containsExactly(worker.publicKey());
        assertThatThrownBy(() -> ledger.addApiKey(new byte[5], requester, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClosedLedgerFailsWithAMessageNamingTheDatabase() {
        ledger.close();
        assertThatThrownBy(() -> ledger.totals()).isInstanceOf(LedgerException.class).hasMessageContaining("ledger ");
        ledger = null;
    }

    @Test
    @Timeout(60)
    void concurrentAppendsKeepExactBalances() throws Exception {
        Identity[] workers = {worker, otherWorker, Identity.generate(), Identity.generate()};
        String[] requesters = {requester, Identity.generate().publicKey(), Receipt.ANONYMOUS, workers[2].publicKey()};
        List<List<SignedReceipt>> batches = new ArrayList<>();
        long earned = 0;
        for (int t = 0; t < THREADS; t++) {
            List<SignedReceipt> batch = new ArrayList<>();
            for (int i = 0; i < PER_THREAD; i++) {
                var r = Receipts.signed(workers[(t + i) % workers.length], requesters[i % requesters.length], i % 17, t + 1);
                if (!Receipt.ANONYMOUS.equals(r.receipt().requesterPubkey())) earned += r.receipt().tokens();
                batch.add(r);
            }
            batches.add(batch);
        }
        var start = new CountDownLatch(1);
        List<Future<Long>> accepted = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(THREADS)) {
            for (var batch : batches) {
                accepted.add(pool.submit(() -> {
                    start.await();
                    return batch.stream().filter(r -> ledger.append(r) == Ledger.Append.ACCEPTED).count();
                }));
            }
            start.countDown();
            for (var f : accepted) assertThat(f.get(50, TimeUnit.SECONDS)).isEqualTo(PER_THREAD);
        }

        assertThat(ledger.totals().receipts()).isEqualTo(THREADS * PER_THREAD);
        assertThat(ledger.totals().earned()).isEqualTo(earned);
        try (var c = inspect()) {
            var expected = Receipts.recompute(c, ALLOWANCE);
            assertThat(expected.rows()).isEqualTo(THREADS * PER_THREAD);
            assertThat(ledger.totals()).isEqualTo(expected.totals());
            assertThat(Receipts.storedAccounts(c, ALLOWANCE)).isEqualTo(expected.accounts());
            for (var a : expected.accounts().values()) assertThat(ledger.account(a.pubkey())).isEqualTo(a);
        }
        assertThat(ledger.recent(JdbcLedger.MAX_ROWS)).hasSize(THREADS * PER_THREAD);
    }

    @Test
    @Timeout(60)
    void everyAcknowledgedAppendSurvivesAKilledProcess() throws Exception {
        ledger.close();
        ledger = null;
        var crash = CrashRun.killAfter(target(), CRASH_RUN);

        assertThat(crash.acked()).as("ACKs before the kill (child stderr: %s)", crash.stderr()).isNotEmpty();
        System.out.printf("%s: %d appends acknowledged in %d ms before SIGKILL%n",
                getClass().getSimpleName(), crash.acked().size(), CRASH_RUN.toMillis());
        ledger = open(ALLOWANCE);
        try (var c = inspect()) {
            var stored = new java.util.HashSet<String>();
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT nonce FROM receipts")) {
                while (rs.next()) stored.add(rs.getString(1));
            }
            assertThat(stored).containsAll(crash.acked());
            var expected = Receipts.recompute(c, ALLOWANCE);
            assertThat(expected.rows()).isEqualTo(expected.distinct()).isGreaterThanOrEqualTo(crash.acked().size());
            assertThat(ledger.totals()).isEqualTo(expected.totals());
            assertThat(Receipts.storedAccounts(c, ALLOWANCE)).isEqualTo(expected.accounts());
        }
        assertThat(ledger.append(Receipts.signed(worker, requester, 1, 1))).as("writable after the crash").isEqualTo(Ledger.Append.ACCEPTED);
    }

    @Test
    void aHeldReceiptDebitsTheRequesterButTheWorkerCreditWaits() {
        assertThat(ledger.append(Receipts.signed(worker, requester, 120, 30), true, true)).isEqualTo(Ledger.Append.ACCEPTED);

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 0, 0, 1, ALLOWANCE, 150, 0));
        assertThat(ledger.account(worker.publicKey()).available()).as("held credit is not spendable").isEqualTo(ALLOWANCE);
        assertThat(ledger.account(requester).spent()).isEqualTo(150);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 150, 1, 150, 0));
    }

    @Test
    void releasingMovesEverythingHeldIntoEarnedOnce() throws Exception {
        ledger.append(Receipts.signed(worker, requester, 100, 0), true, true);
        ledger.append(Receipts.signed(worker, requester, 20, 5), true, true);
        ledger.append(Receipts.signed(worker, requester, 7, 3));

        assertThat(ledger.release(worker.publicKey())).isEqualTo(125);
        assertThat(ledger.release(worker.publicKey())).as("nothing left to release").isZero();
        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 135, 0, 3, ALLOWANCE, 0, 0));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(135, 135, 3, 0, 0));
        reopen();
        assertThat(ledger.account(worker.publicKey()).earned()).as("durable").isEqualTo(135);
        assertOutcomes(worker.publicKey(), "released", 125);
    }

    @Test
    void forfeitingLosesWhatIsHeldButKeepsWhatWasEarned() throws Exception {
        ledger.append(Receipts.signed(worker, requester, 50, 0));
        ledger.append(Receipts.signed(worker, requester, 40, 0), true, true);

        assertThat(ledger.forfeit(worker.publicKey())).isEqualTo(40);
        assertThat(ledger.forfeit(worker.publicKey())).isZero();
        assertThat(ledger.release(worker.publicKey())).as("forfeited credit is gone for good").isZero();
        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 50, 0, 2, ALLOWANCE, 0, 40));
        assertThat(ledger.account(requester).spent()).as("the requester stays debited").isEqualTo(90);
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(50, 90, 2, 0, 40));
        assertOutcomes(worker.publicKey(), "forfeited", 40);
        assertThat(ledger.release(Identity.generate().publicKey())).as("an unknown key holds nothing").isZero();
    }

    @Test
    void aHeldAnonymousOrUnverifiedReceiptHoldsNothing() {
        ledger.append(Receipts.signed(worker, Receipt.ANONYMOUS, 40, 2), true, true);
        ledger.append(Receipts.signed(worker, requester, 30, 10), false, true);

        assertThat(ledger.account(worker.publicKey())).isEqualTo(new Ledger.Account(worker.publicKey(), 0, 0, 2, ALLOWANCE, 0, 0));
        assertThat(ledger.totals()).isEqualTo(new Ledger.Totals(0, 0, 2, 0, 0));
    }

    /**
     * The ledger's consistency under concurrent held and plain appends, releases and forfeits: every debited token
     * is earned, held or forfeited ({@code spent = earned + held + forfeited}: nothing is earned undebited), the
     * accounts add up to the totals, and what receipts held equals what is still held, forfeited or was released.
     */
    @Test
    @Timeout(60)
    void heldCreditsStayConsistentUnderConcurrentAppendsReleasesAndForfeits() throws Exception {
        Identity[] workers = {worker, otherWorker, Identity.generate(), Identity.generate()};
        String[] requesters = {requester, Identity.generate().publicKey(), Receipt.ANONYMOUS, workers[3].publicKey()};
        var start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD / 5; i++) {
                        var w = workers[(thread + i) % workers.length];
                        ledger.append(Receipts.signed(w, requesters[i % requesters.length], i % 13, thread + 1), i % 3 != 0, i % 2 == 0);
                        if (i % 7 == 0) ledger.release(w.publicKey());
                        if (i % 11 == 0) ledger.forfeit(w.publicKey());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) f.get(50, TimeUnit.SECONDS);
        }
        var totals = ledger.totals();
        assertThat(totals.receipts()).isEqualTo(THREADS * (PER_THREAD / 5));
        assertThat(totals.held() + totals.forfeited()).as("something was held").isPositive();
        assertThat(totals.spent()).isEqualTo(totals.earned() + totals.held() + totals.forfeited());
        try (var c = inspect(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT sum(earned), sum(spent), sum(held), sum(forfeited), sum(receipts) FROM accounts")) {
                rs.next();
                // A worker serving itself counts its receipt once on its account; none do here (workers[3] requests others').
                assertThat(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)})
                        .containsExactly(totals.earned(), totals.spent(), totals.held(), totals.forfeited());
            }
            long heldByReceipts, released;
            try (var rs = s.executeQuery("SELECT coalesce(sum(held_tokens), 0) FROM receipts")) {
                rs.next();
                heldByReceipts = rs.getLong(1);
            }
            try (var rs = s.executeQuery("SELECT coalesce(sum(tokens), 0) FROM hold_outcomes WHERE outcome = 'released'")) {
                rs.next();
                released = rs.getLong(1);
            }
            assertThat(heldByReceipts).isEqualTo(totals.held() + totals.forfeited() + released);
        }
    }

    private void assertOutcomes(String pubkey, String outcome, long tokens) throws SQLException {
        try (var c = inspect(); var s = c.prepareStatement("SELECT outcome, tokens FROM hold_outcomes WHERE pubkey = ?")) {
            s.setString(1, pubkey);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(outcome);
                assertThat(rs.getLong(2)).isEqualTo(tokens);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    // Node standing (docs/trust.md "Persistence"): V4's tables, the same on both databases.

    private NodeStanding convicted(String pubkey, long at) {
        return new NodeStanding(pubkey, 0.123456, 3, 2, 4, 1, false, "none", 2, 1_900_000_000_000L, 4, at);
    }

    @Test
    void aSavedStandingIsReadBackExactlyAfterARestart() {
        String key = worker.publicKey();
        assertThat(ledger.standing(key)).isEmpty();
        ledger.saveStandings(List.of(convicted(key, 1_000)), List.of());
        ledger.close();
        ledger = open(ALLOWANCE);
        assertThat(ledger.standing(key)).contains(convicted(key, 1_000));
    }

    @Test
    void savingAStandingAgainReplacesItWhole() {
        String key = worker.publicKey();
        ledger.saveStandings(List.of(convicted(key, 1_000)), List.of());
        var trusted = new NodeStanding(key, 0.9, 12, 10, 4, 4, true, "trusted", 0, 0, 4, 2_000);
        ledger.saveStandings(List.of(trusted, convicted(otherWorker.publicKey(), 2_000)), List.of());
        assertThat(ledger.standing(key)).contains(trusted);
        assertThat(ledger.standing(otherWorker.publicKey())).contains(convicted(otherWorker.publicKey(), 2_000));
    }

    @Test
    void reputationHistoryIsAppendOnlyAndReadNewestFirst() {
        String key = worker.publicKey();
        ledger.saveStandings(List.of(), List.of(new ReputationChange(1, key, -0.05, 0.45, "failed_request"),
                new ReputationChange(2, key, 0.02, 0.47, "canary")));
        ledger.saveStandings(List.of(), List.of(new ReputationChange(3, key, -0.47, 0.0, "suspicion_too_fast"),
                new ReputationChange(3, otherWorker.publicKey(), 0.01, 0.51, "probe")));
        assertThat(ledger.reputationHistory(key, 10)).containsExactly(
                new ReputationChange(3, key, -0.47, 0.0, "suspicion_too_fast"),
                new ReputationChange(2, key, 0.02, 0.47, "canary"),
                new ReputationChange(1, key, -0.05, 0.45, "failed_request"));
        assertThat(ledger.reputationHistory(key, 1)).hasSize(1);
        assertThat(ledger.reputationHistory(requester, 10)).isEmpty();
    }
}

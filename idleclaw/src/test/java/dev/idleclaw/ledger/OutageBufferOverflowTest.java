package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.idleclaw.e2e.CutPostgres;
import dev.idleclaw.e2e.LogCapture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.SignedReceipt;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL outage buffer full (docs/operations.md "When PostgreSQL goes away"), with a bound of {@link #BOUND}
 * instead of {@link OutageBuffer#MAX_QUEUED} and the database cut for real through a TCP relay: what waits keeps its
 * order and is written once back, a newer receipt is refused as unavailable (its answer goes out without it), a
 * held-credit settlement still waits (it has a bound of its own), and the log says so once per outage; closing during
 * the outage says in one WARN what is lost.
 */
@Timeout(60)
class OutageBufferOverflowTest {
    private static final int BOUND = 2;
    private final Identity worker = Identity.generate();
    private final String requester = Identity.generate().publicKey();
    private CutPostgres pg;
    private LogCapture logged;

    @BeforeEach
    void start() throws Exception {
        pg = CutPostgres.fresh();
        logged = LogCapture.of(OutageBuffer.class);
    }

    @AfterEach
    void stop() throws Exception {
        logged.close();
        pg.close();
    }

    @Test
    void aFullBufferRefusesNewerReceiptsAsUnavailableKeepsWhatWaitedAndSaysSoOnce() throws Exception {
        String url = pg.url();
        try (var buffer = new OutageBuffer(PostgresLedger.open(url, 1_000), BOUND)) {
            assertThat(buffer.append(receipt(1), true, true)).isEqualTo(Ledger.Append.ACCEPTED); // held: on probation
            assertThat(buffer.account(worker.publicKey()).held()).isPositive();

            pg.cut();
            List<SignedReceipt> waiting = IntStream.rangeClosed(2, 1 + BOUND).mapToObj(this::receipt).toList();
            for (SignedReceipt r : waiting) assertThat(buffer.append(r)).isEqualTo(Ledger.Append.QUEUED);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> buffer.append(receipt(100))).isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.unavailable()).isTrue();
                    assertThat(e.getMessage()).contains(BOUND + " receipts already wait");
                });
            }
            // the node left probation during the outage: its release waits behind the receipts, the full buffer
            // notwithstanding, and a second decision before it is written moves nothing more and is merged
            assertThat(buffer.release(worker.publicKey())).isZero();
            assertThat(buffer.forfeit(worker.publicKey())).isZero();
            assertThat(buffer.queued()).isEqualTo(BOUND + 1);
            assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("newer ones are not recorded"))
                    .hasSize(1);

            pg.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> buffer.queued() == 0 && !buffer.down());
            assertThat(buffer.totals().receipts()).isEqualTo(1 + BOUND);
            assertThat(buffer.account(worker.publicKey())).satisfies(a -> {
                assertThat(a.held()).isZero(); // released, not forfeited by the merged second decision
                assertThat(a.forfeited()).isZero();
                assertThat(a.earned()).isPositive();
            });
            assertThat(buffer.recent(worker.publicKey(), 10)).extracting(r -> r.receipt().outputTokens())
                    .containsExactlyInAnyOrder(1L, 2L, 3L); // none of the refused ones (100 tokens) was written
            assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("reachable again"))
                    .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("3 more found the queue full"));
            assertThat(buffer.append(receipt(4))).isEqualTo(Ledger.Append.ACCEPTED);
            assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(2); // went away; full
        }
    }

    @Test
    void settlementsBeyondTheirOwnBoundAreRefusedAsUnavailableWithOneWarn() throws Exception {
        String url = pg.url();
        try (var buffer = new OutageBuffer(PostgresLedger.open(url, 1_000), BOUND, 1)) {
            pg.cut();
            assertThat(buffer.release(Identity.generate().publicKey())).isZero();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> buffer.forfeit(Identity.generate().publicKey()))
                        .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.unavailable()).isTrue());
            }
            assertThat(buffer.queued()).isEqualTo(1);
            assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("settlement(s) already wait"))
                    .hasSize(1);
        }
    }

    @Test
    void closingDuringAnOutageSaysInOneWarnHowManyWritesAreLostWithTheProcess() throws Exception {
        String url = pg.url();
        var buffer = new OutageBuffer(PostgresLedger.open(url, 1_000), BOUND);
        pg.cut();
        assertThat(buffer.append(receipt(1))).isEqualTo(Ledger.Append.QUEUED);
        assertThat(buffer.release(worker.publicKey())).isZero();
        // the retry thread ticks every second and is now waiting for a connection: closing interrupts that write
        Thread.sleep(OutageBuffer.RETRY.toMillis() * 3 / 2);
        buffer.close();
        assertThat(logged.list()).noneMatch(e -> e.getLevel() == Level.ERROR);
        assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("lost"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getFormattedMessage()).contains("2 receipt(s) and settlement(s)").contains("lost with this process");
                    assertThat(e.getThrowableProxy()).isNull();
                });
    }

    private SignedReceipt receipt(int outputTokens) {
        return Receipts.signed(worker, requester, 5, outputTokens);
    }
}

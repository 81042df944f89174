package dev.idleclaw.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.idleclaw.e2e.CuttableTcp;
import dev.idleclaw.e2e.PostgresSchema;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.SignedReceipt;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL outage buffer full (docs/operations.md "When PostgreSQL goes away"), with a bound of {@link #BOUND}
 * instead of {@link OutageBuffer#MAX_QUEUED} and the database cut for real through a TCP relay: what waits keeps its
 * order and is written once back, a newer receipt is refused as unavailable (its answer goes out without it), and the
 * log says so once per outage.
 */
@Timeout(60)
class OutageBufferOverflowTest {
    private static final int BOUND = 2;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ch.qos.logback.classic.Logger bufferLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(OutageBuffer.class);
    private final Identity worker = Identity.generate();
    private final String requester = Identity.generate().publicKey();
    private PostgresSchema pg;
    private CuttableTcp proxy;

    @BeforeEach
    void start() throws Exception {
        pg = PostgresSchema.fresh();
        proxy = new CuttableTcp(5432);
        logged.start();
        bufferLog.addAppender(logged);
    }

    @AfterEach
    void stop() throws Exception {
        bufferLog.detachAppender(logged);
        proxy.close();
        pg.close();
    }

    @Test
    void aFullBufferRefusesNewerReceiptsAsUnavailableKeepsWhatWaitedAndSaysSoOnce() throws Exception {
        String url = pg.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
        try (var buffer = new OutageBuffer(PostgresLedger.open(url, 1_000), BOUND)) {
            assertThat(buffer.append(receipt(1))).isEqualTo(Ledger.Append.ACCEPTED);

            proxy.cut();
            List<SignedReceipt> waiting = IntStream.rangeClosed(2, 1 + BOUND).mapToObj(this::receipt).toList();
            for (SignedReceipt r : waiting) assertThat(buffer.append(r)).isEqualTo(Ledger.Append.QUEUED);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> buffer.append(receipt(100))).isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.unavailable()).isTrue();
                    assertThat(e.getMessage()).contains(BOUND + " receipts already wait");
                });
            }
            assertThatThrownBy(() -> buffer.release(worker.publicKey())).isInstanceOf(LedgerException.class);
            assertThat(buffer.queued()).isEqualTo(BOUND);
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("newer ones are not recorded"))
                    .hasSize(1);

            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> buffer.queued() == 0 && !buffer.down());
            assertThat(buffer.totals().receipts()).isEqualTo(1 + BOUND);
            assertThat(buffer.recent(worker.publicKey(), 10)).extracting(r -> r.receipt().outputTokens())
                    .containsExactlyInAnyOrder(1L, 2L, 3L); // none of the refused ones (100 tokens) was written
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("reachable again"))
                    .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("4 more found the queue full"));
            assertThat(buffer.append(receipt(4))).isEqualTo(Ledger.Append.ACCEPTED);
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(2); // went away; full
        }
    }

    private SignedReceipt receipt(int outputTokens) {
        return Receipts.signed(worker, requester, 5, outputTokens);
    }
}

package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.idleclaw.e2e.CutPostgres;
import dev.idleclaw.e2e.LogCapture;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.ledger.NodeStanding;
import dev.idleclaw.ledger.OutageBuffer;
import dev.idleclaw.ledger.ReputationChange;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The standing journal's bound (docs/trust.md "Persistence") with {@link #BOUND} instead of
 * {@link StandingJournal#MAX_PENDING}, while the PostgreSQL ledger is cut for real: what fits waits and is written
 * once the database is back, what does not is dropped, counted and logged, and a dropped key's standing is written
 * whole at its next change.
 */
@Timeout(60)
class StandingJournalOverflowTest {
    private static final int BOUND = 3;
    private CutPostgres pg;
    private LogCapture logged;

    @BeforeEach
    void start() throws Exception {
        pg = CutPostgres.fresh();
        logged = LogCapture.of(StandingJournal.class);
    }

    @AfterEach
    void stop() throws Exception {
        logged.close();
        pg.close();
    }

    @Test
    void beyondItsBoundTheJournalDropsAndCountsChangesAndWritesTheRestWhenTheDatabaseReturns() throws Exception {
        String url = pg.url();
        try (Ledger ledger = Ledgers.open(url, 1_000); var journal = new StandingJournal(ledger, BOUND)) {
            var buffer = (OutageBuffer) ledger;
            pg.cut();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                try {
                    ledger.totals();
                } catch (RuntimeException expected) {
                    // the outage is noticed
                }
                return buffer.down();
            });

            List<String> keys = IntStream.rangeClosed(1, BOUND + 2).mapToObj(i -> "key" + i).toList();
            journal.write(keys.stream().map(k -> standing(k, 0.5)).toList(), keys.stream().map(k -> change(k, 0.5)).toList());
            await().atMost(Duration.ofSeconds(5)).until(() -> journal.pending() == 2 * BOUND); // the writer may hold them a moment
            // Retries come and go while the database is away: a kept key's newer standing replaces its older one, and
            // the bound holds throughout.
            for (int i = 1; i <= 6; i++) {
                journal.write(List.of(standing("key1", 0.5 + i / 100.0)), List.of(change("key1", 0.5 + i / 100.0)));
                Thread.sleep(300);
                assertThat(journal.pending()).isLessThanOrEqualTo(2 * BOUND);
            }
            // Said once, however many are dropped, and not on every change: the writer retries once per RETRY.
            assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("node standing changes are being dropped: more than " + BOUND + " waited for the ledger database");

            pg.restore();
            // Pending is 0 once the writer took the batch, written once its transaction committed.
            await().atMost(Duration.ofSeconds(30)).until(() -> !buffer.down() && journal.pending() == 0
                    && keys.subList(0, BOUND).stream().allMatch(k -> ledger.standing(k).isPresent()));
            for (String k : keys.subList(0, BOUND)) assertThat(ledger.standing(k)).as(k).isPresent();
            for (String k : keys.subList(BOUND, keys.size())) assertThat(ledger.standing(k)).as(k).isEmpty();
            assertThat(ledger.standing("key1").orElseThrow().reputation()).isEqualTo(0.56);
            // 2 standings and 2 changes beyond the bound at once, then each of the 6 later changes (the queue stays full).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage).last().asString().startsWith("10 node standing change(s) were dropped in all"));

            // A dropped key's next change is written whole.
            journal.write(List.of(standing("key" + (BOUND + 1), 0.3)), List.of(change("key" + (BOUND + 1), -0.2)));
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.standing("key" + (BOUND + 1)).isPresent());
            assertThat(ledger.standing("key" + (BOUND + 1)).orElseThrow().reputation()).isEqualTo(0.3);
        }
    }

    private static NodeStanding standing(String key, double reputation) {
        return new NodeStanding(key, reputation, 0, 0, 0, 0, false, "none", 0, 0, 0, System.currentTimeMillis());
    }

    private static ReputationChange change(String key, double reputation) {
        return new ReputationChange(System.currentTimeMillis(), key, -0.1, reputation, "test");
    }
}

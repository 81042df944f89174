package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.idleclaw.e2e.CutPostgres;
import dev.idleclaw.e2e.LogCapture;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.ledger.OutageBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standing decisions that reach the ledger during a PostgreSQL outage (docs/operations.md "When PostgreSQL goes
 * away"): even beyond what the outage buffer holds, the deciding thread never sees an exception and the log gets one
 * WARN for the outage, not one per key.
 */
@Timeout(60)
class HeldCreditsOutageTest {
    private CutPostgres pg;
    private LogCapture logged;

    @BeforeEach
    void start() throws Exception {
        pg = CutPostgres.fresh();
        logged = LogCapture.of(HeldCredits.class, OutageBuffer.class);
    }

    @AfterEach
    void stop() throws Exception {
        logged.close();
        pg.close();
    }

    @Test
    void decisionsBeyondWhatTheOutageBufferHoldsCostOneWarnAndNeverReachTheDecidingThread() throws Exception {
        String url = pg.url();
        var ledger = Ledgers.open(url, 1_000);
        try {
            pg.cut();
            int keys = 10_000 + 50; // beyond the buffer's bound on settlements (PendingWrites.MAX_SETTLEMENTS)
            try (var held = new HeldCredits(ledger)) {
                for (int i = 0; i < keys; i++) {
                    String key = "%064x".formatted(i); // a key's shape is not checked on this path
                    if (i % 2 == 0) held.released(key);
                    else held.forfeited(key);
                }
            }
            assertThat(((OutageBuffer) ledger).queued()).isEqualTo(10_000);
            assertThat(logged.list()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactlyInAnyOrder(
                            m -> assertThat(m).contains("is unreachable"),
                            m -> assertThat(m).contains("settlement(s) already wait"));
        } finally {
            ledger.close(); // still cut: what waited is reported lost rather than written (10,000 transactions)
        }
    }
}

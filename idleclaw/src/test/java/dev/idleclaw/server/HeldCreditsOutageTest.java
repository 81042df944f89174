package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.idleclaw.e2e.CuttableTcp;
import dev.idleclaw.e2e.PostgresSchema;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.ledger.OutageBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Standing decisions that reach the ledger during a PostgreSQL outage (docs/operations.md "When PostgreSQL goes
 * away"): even beyond what the outage buffer holds, the deciding thread never sees an exception and the log gets one
 * WARN for the outage, not one per key.
 */
@Timeout(60)
class HeldCreditsOutageTest {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<Logger> loggers = Stream.of(HeldCredits.class, OutageBuffer.class)
            .map(c -> (Logger) LoggerFactory.getLogger(c)).toList();
    private PostgresSchema pg;
    private CuttableTcp proxy;

    @BeforeEach
    void start() throws Exception {
        pg = PostgresSchema.fresh();
        proxy = new CuttableTcp(5432);
        logged.start();
        loggers.forEach(l -> l.addAppender(logged));
    }

    @AfterEach
    void stop() throws Exception {
        loggers.forEach(l -> l.detachAppender(logged));
        proxy.close();
        pg.close();
    }

    @Test
    void decisionsBeyondWhatTheOutageBufferHoldsCostOneWarnAndNeverReachTheDecidingThread() throws Exception {
        String url = pg.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
        var ledger = Ledgers.open(url, 1_000);
        try {
            proxy.cut();
            int keys = 10_000 + 50; // beyond the buffer's bound on settlements (PendingWrites.MAX_SETTLEMENTS)
            try (var held = new HeldCredits(ledger)) {
                for (int i = 0; i < keys; i++) {
                    String key = "%064x".formatted(i); // a key's shape is not checked on this path
                    if (i % 2 == 0) held.released(key);
                    else held.forfeited(key);
                }
            }
            assertThat(((OutageBuffer) ledger).queued()).isEqualTo(10_000);
            assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactlyInAnyOrder(
                            m -> assertThat(m).contains("is unreachable"),
                            m -> assertThat(m).contains("settlement(s) already wait"));
        } finally {
            ledger.close(); // still cut: what waited is reported lost rather than written (10,000 transactions)
        }
    }
}

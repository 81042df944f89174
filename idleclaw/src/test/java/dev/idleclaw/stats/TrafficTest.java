package dev.idleclaw.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The dashboard's live totals: counts by door and outcome, tokens, and first-token percentiles over a window. */
class TrafficTest {
    private static final long MS = 1_000_000;

    @Test
    void countsRequestsByDoorAndOutcomeAndTokens() {
        var t = new Traffic();
        t.finished("openai", "done", 5 * MS, 10);
        t.finished("openai", "done", 5 * MS, 4);
        t.finished("idleclaw", "rejected", 0, 0);
        var totals = t.totals();
        assertThat(totals.requests()).containsEntry("openai/done", 2L).containsEntry("idleclaw/rejected", 1L);
        assertThat(totals.tokens()).isEqualTo(14);
    }

    @Test
    void percentilesAreWithinABucketOfTheTrueValueAndOnlyOverTheWindow() {
        var t = new Traffic();
        for (int i = 0; i < 50; i++) t.finished("d", "done", 10_000 * MS, 1); // an old, slow minute
        var start = t.totals();
        for (int i = 1; i <= 100; i++) t.finished("d", "done", i * 10 * MS, 1); // 10 ms .. 1000 ms
        var now = t.totals();
        double p50 = Traffic.quantileMs(now.firstToken(), start.firstToken(), 0.5);
        double p99 = Traffic.quantileMs(now.firstToken(), start.firstToken(), 0.99);
        assertThat(p50).isBetween(500.0, 500 * 1.25);
        assertThat(p99).isBetween(990.0, 990 * 1.25);
        assertThat(Traffic.quantileMs(now.firstToken(), now.firstToken(), 0.5)).as("an empty window").isEqualTo(-1);
        assertThat(Traffic.quantileMs(now.firstToken(), Traffic.Totals.ZERO.firstToken(), 0.99)).isCloseTo(10_000, within(2_500.0));
    }

    @Test
    void requestsWithoutAFirstTokenAreNotTimed() {
        var t = new Traffic();
        t.finished("d", "failed", 0, 0);
        assertThat(Traffic.quantileMs(t.totals().firstToken(), Traffic.Totals.ZERO.firstToken(), 0.5)).isEqualTo(-1);
    }
}

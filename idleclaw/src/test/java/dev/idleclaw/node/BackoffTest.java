package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofSeconds(60);

    private static List<Long> seconds(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(b.next().toSeconds());
        return out;
    }

    @Test
    void delaysDoubleFromOneSecondUpToTheCap() {
        var b = new Backoff(SECOND, CAP, () -> 0.0);
        assertThat(seconds(b, 9)).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
    }

    @Test
    void jitterAddsLessThanOneUnit() {
        var b = new Backoff(SECOND, CAP, () -> 0.999);
        assertThat(b.next()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1999));
        assertThat(b.next()).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2999));
    }

    @Test
    void realJitterStaysWithinOneUnit() {
        var b = new Backoff(SECOND, CAP);
        for (int i = 0; i < 20; i++) {
            var d = b.next();
            long base = Math.min(1L << Math.min(i, 30), 60);
            assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(base)).isLessThan(Duration.ofSeconds(base + 1));
        }
    }

    @Test
    void resetAfterRegistrationMakesTheNextRetryWaitOneToTwoSeconds() {
        var b = new Backoff(SECOND, CAP, () -> 0.5);
        seconds(b, 7);
        b.reset();
        assertThat(b.attempt()).isZero();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(1500));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void manyFailuresNeitherOverflowNorExceedTheCap() {
        var b = new Backoff(SECOND, CAP, () -> 0.0);
        for (int i = 0; i < 1000; i++) assertThat(b.next()).isLessThanOrEqualTo(CAP);
    }

    @Test
    void shrunkenUnitScalesTheWholeFormula() {
        var b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), () -> 0.0);
        assertThat(List.of(b.next(), b.next(), b.next(), b.next())).containsExactly(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(40));
    }
}

package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SuspicionWindowTest {
    @Test
    void abortsFlagOnlyWhenEnoughFallWithinTheWindowAndTheWindowThenRestarts() {
        var s = new Suspicion();
        for (int i = 0; i < Suspicion.ABORT_LIMIT - 1; i++) assertThat(s.answered(true)).isFalse();
        for (int i = 0; i < Suspicion.ABORT_WINDOW; i++) assertThat(s.answered(false)).isFalse(); // the old aborts slide out
        assertThat(s.answered(true)).isFalse();
        for (int i = 0; i < Suspicion.ABORT_LIMIT - 2; i++) assertThat(s.answered(true)).isFalse();
        assertThat(s.answered(true)).isTrue();
        assertThat(s.answered(true)).isFalse(); // a fresh window needs ABORT_LIMIT new aborts
    }

    @Test
    void keepsTheLatestFlagsWithReasonsAndCountsEveryOne() {
        var s = new Suspicion();
        for (int i = 0; i < Suspicion.MAX_FLAGS_KEPT + 5; i++) s.raise(Suspicion.Reason.TOO_FAST, "flag " + i);
        s.raise(Suspicion.Reason.TOKEN_COUNT, "last");
        assertThat(s.flags()).hasSize(Suspicion.MAX_FLAGS_KEPT);
        assertThat(s.flags().getFirst().detail()).isEqualTo("flag 6");
        assertThat(s.flags().getLast().reason()).isEqualTo(Suspicion.Reason.TOKEN_COUNT);
        assertThat(s.counts()).isEqualTo(Map.of(Suspicion.Reason.TOO_FAST, 25L, Suspicion.Reason.TOKEN_COUNT, 1L));
    }
}

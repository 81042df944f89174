package dev.idleclaw.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theCallBeyondTheLimitWithinAMinuteIsRefusedAndAllowedOnceTheFirstLeavesTheWindow() {
        var rate = new CallRate(20);
        for (int i = 0; i < 20; i++) assertThat(rate.tryCall("node-a", i * SECOND)).isTrue();
        assertThat(rate.tryCall("node-a", 30 * SECOND)).isFalse();
        assertThat(rate.tryCall("node-b", 30 * SECOND)).as("another node has its own window").isTrue();
        assertThat(rate.tryCall("node-a", 60 * SECOND - 1)).isFalse();
        assertThat(rate.tryCall("node-a", 60 * SECOND)).isTrue();
    }
}

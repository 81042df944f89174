package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.admission.RateLimiter.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", textBlock = """
            /api/chat,        CHAT
            /api/chat/,       CHAT
            /api/chat/x,      CHAT
            /api/chatx,       none
            /ws/node,         WS
            /ws/node/extra,   WS
            /ws/nodes,        none
            /api/models,      DEFAULT
            /api/models/x,    DEFAULT
            /health,          DEFAULT
            /healthz,         none
            /metrics,         DEFAULT
            /metrics/x,       DEFAULT
            /admin,           DEFAULT
            /admin/nodes,     DEFAULT
            /admin/anything,  DEFAULT
            /adminx,          none
            /administrator,   none
            /,                none
            /api,             none
            /api/tags,        DEFAULT
            /api/show,        DEFAULT
            /api/ps,          DEFAULT
            /ledger,          DEFAULT
            /balance,         DEFAULT
            /peers,           DEFAULT
            /ledgerx,         none
            /v1/responses,    CHAT
            /docs,            none
            /v1/messages,     CHAT
            /v1/messages/count_tokens, DEFAULT
            /v1/messagesx,    none
            """)
    void mapsPathsToBuckets(String path, Kind expected) {
        assertThat(RateLimiter.kindOf(path)).isEqualTo(expected);
    }

    @Test
    void allowsCapacityRequestsThenAsksToWaitForTheNextToken() {
        var limiter = new RateLimiter(3, 5, 60);
        for (int i = 0; i < 3; i++) assertThat(limiter.take(Kind.CHAT, "1.1.1.1")).isZero();
        // Upstream: floor((1 - tokens) / (rpm / 60)) + 1 = floor(20 - ε) + 1 = 20 (21 if no time passed at all).
        assertThat(limiter.take(Kind.CHAT, "1.1.1.1")).isIn(20L, 21L);
        assertThat(limiter.take(Kind.CHAT, "1.1.1.1")).isIn(20L, 21L);
    }

    @Test
    void retryAfterFollowsTheRefillRate() {
        var limiter = new RateLimiter(1, 5, 60);
        assertThat(limiter.take(Kind.CHAT, "a")).isZero();
        assertThat(limiter.take(Kind.CHAT, "a")).isIn(60L, 61L);
        for (int i = 0; i < 60; i++) assertThat(limiter.take(Kind.DEFAULT, "a")).isZero();
        assertThat(limiter.take(Kind.DEFAULT, "a")).isIn(1L, 2L);
        for (int i = 0; i < 5; i++) assertThat(limiter.take(Kind.WS, "a")).isZero();
        assertThat(limiter.take(Kind.WS, "a")).isIn(12L, 13L);
    }

    @Test
    void refillsOverTime() throws InterruptedException {
        var limiter = new RateLimiter(600, 5, 60); // one token every 100 ms
        int passed = 0;
        while (limiter.take(Kind.CHAT, "a") == 0) passed++;
        assertThat(passed).isBetween(600, 620);
        assertThat(limiter.take(Kind.CHAT, "a")).isEqualTo(1);
        Thread.sleep(250);
        assertThat(limiter.take(Kind.CHAT, "a")).isZero();
    }

    @Test
    void keepsBucketsPerClientAndPerKind() {
        var limiter = new RateLimiter(1, 1, 1);
        assertThat(limiter.take(Kind.CHAT, "a")).isZero();
        assertThat(limiter.take(Kind.CHAT, "a")).isPositive();
        assertThat(limiter.take(Kind.CHAT, "b")).isZero();
        assertThat(limiter.take(Kind.WS, "a")).isZero();
        assertThat(limiter.take(Kind.DEFAULT, "a")).isZero();
        assertThat(limiter.take(Kind.DEFAULT, "a")).isPositive();
        assertThat(limiter.tracked()).isEqualTo(4);
    }

    @Test
    void sweepDropsOnlyBucketsIdleLongerThanTenMinutes() throws InterruptedException {
        var limiter = new RateLimiter(1, 1, 1);
        limiter.take(Kind.CHAT, "old");
        limiter.take(Kind.CHAT, "new");
        assertThat(limiter.take(Kind.CHAT, "old")).isPositive(); // refreshes "old" too
        long now = System.nanoTime();

        limiter.sweep(now + RateLimiter.IDLE_EXPIRY.toNanos() - 1_000_000_000L);
        assertThat(limiter.tracked()).isEqualTo(2);
        limiter.sweep(now + RateLimiter.IDLE_EXPIRY.toNanos() + 1_000_000_000L);
        assertThat(limiter.tracked()).isZero();
        // A swept client starts with a full bucket again.
        assertThat(limiter.take(Kind.CHAT, "old")).isZero();
    }

    @Test
    void sweepKeepsRecentlyUsedBuckets() throws InterruptedException {
        var limiter = new RateLimiter(5, 5, 5);
        limiter.take(Kind.CHAT, "idle");
        Thread.sleep(20);
        long cut = System.nanoTime();
        limiter.take(Kind.CHAT, "busy");
        limiter.sweep(cut + RateLimiter.IDLE_EXPIRY.toNanos() + 1);
        assertThat(limiter.tracked()).isEqualTo(1);
        // "busy" kept its state: 4 tokens left, so 4 more pass and the 5th waits.
        for (int i = 0; i < 4; i++) assertThat(limiter.take(Kind.CHAT, "busy")).isZero();
        assertThat(limiter.take(Kind.CHAT, "busy")).isPositive();
    }
}

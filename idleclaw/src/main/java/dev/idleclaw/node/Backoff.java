package dev.idleclaw.node;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays {@code min(2^n, cap) + U(0,1)} (in {@code unit}s; idleclaw-wire.md §9). {@link #reset()} after
 * every successful registration, so the first retry after a good session waits 1–2 units (fixes upstream defect
 * §11 #3, where the delay never came down again). Not thread-safe: one connect loop owns it.
 */
public final class Backoff {
    /** 2^30 units is far past any cap; stops the exponent from overflowing. */
    private static final int MAX_EXPONENT = 30;

    private final Duration unit;
    private final Duration cap;
    private final DoubleSupplier jitter;
    private int attempt;

    public Backoff(Duration unit, Duration cap) {
        this(unit, cap, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@code jitter} returns values in [0,1); tests pass a constant. */
    public Backoff(Duration unit, Duration cap, DoubleSupplier jitter) {
        this.unit = unit;
        this.cap = cap;
        this.jitter = jitter;
    }

    /** The delay before the next attempt; each call doubles the exponential part up to the cap. */
    public Duration next() {
        long unitNanos = unit.toNanos();
        long exp = Math.min(1L << Math.min(attempt, MAX_EXPONENT), Long.MAX_VALUE / Math.max(1, unitNanos));
        long base = Math.min(exp * unitNanos, cap.toNanos());
        if (attempt < MAX_EXPONENT) attempt++;
        return Duration.ofNanos(base + (long) (jitter.getAsDouble() * unitNanos));
    }

    /** Back to the first step: called after the hub accepted a registration. */
    public void reset() {
        attempt = 0;
    }

    /** How many delays were handed out since the last reset. */
    public int attempt() {
        return attempt;
    }
}

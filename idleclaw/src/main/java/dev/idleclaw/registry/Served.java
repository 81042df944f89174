package dev.idleclaw.registry;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One link's running totals for the operator view: characters of text frames received (bytes, for the ASCII JSON nodes send), answers and tokens relayed, and its
 * known-answer probes. Written by the link's reader, the relay and the prober; read only when an operator asks.
 */
public final class Served {
    private final LongAdder charsReceived = new LongAdder();
    private final LongAdder answers = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder probesPassed = new LongAdder();
    private final LongAdder probesFailed = new LongAdder();
    /** When the last probe ended (epoch ms, 0 = never) and whether it passed. */
    private final AtomicLong lastProbeAt = new AtomicLong();
    private volatile boolean lastProbePassed;

    /** A text frame of {@code chars} characters arrived from the node (counted without encoding it). */
    public void received(long chars) {
        charsReceived.add(chars);
    }

    /** An answer was relayed with {@code tokenCount} (estimated) tokens. */
    public void answered(long tokenCount) {
        answers.increment();
        tokens.add(tokenCount);
    }

    /** A hidden check (canary, fingerprint) of this link ended, {@code passed} or not. */
    public void probed(boolean passed) {
        (passed ? probesPassed : probesFailed).increment();
        lastProbePassed = passed;
        lastProbeAt.set(System.currentTimeMillis());
    }

    public long charsReceived() {
        return charsReceived.sum();
    }

    public long answers() {
        return answers.sum();
    }

    public long tokens() {
        return tokens.sum();
    }

    public long probesPassed() {
        return probesPassed.sum();
    }

    public long probesFailed() {
        return probesFailed.sum();
    }

    /** Epoch milliseconds of the last probe, 0 when never probed. */
    public long lastProbeAt() {
        return lastProbeAt.get();
    }

    public boolean lastProbePassed() {
        return lastProbePassed;
    }
}

package dev.idleclaw.node;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The node's {@code max_concurrent} request slots, shared by all connections. {@link #close()} starts the drain:
 * no new slot is handed out, and {@link #awaitIdle} waits for the running ones to come back.
 */
final class RequestSlots {
    private final int max;
    private final Semaphore permits;
    private volatile boolean closed;

    RequestSlots(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** A slot, unless all are taken or the node is draining. */
    boolean tryAcquire() {
        return !closed && permits.tryAcquire();
    }

    void release() {
        permits.release();
    }

    int active() {
        return max - permits.availablePermits();
    }

    /**
     * What the heartbeat reports as {@code available}: taking work (not draining). Not "a slot is free": the hub counts
     * the node's slots itself, and a node full at its heartbeat would otherwise get nothing until the next one, 15 s
     * later, however soon its slots freed.
     */
    boolean available() {
        return !closed;
    }

    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** True when every slot came back within {@code timeout}. */
    boolean awaitIdle(Duration timeout) {
        try {
            if (!permits.tryAcquire(max, timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
            permits.release(max);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

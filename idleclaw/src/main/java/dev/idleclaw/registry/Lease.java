package dev.idleclaw.registry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One slot on one backend, handed out by the {@link Scheduler}: its holder runs one request there and gives the slot
 * back exactly once, with the verdict on the backend ({@code nodeFault} lowers its reputation). Later releases do
 * nothing, so every path that ends a request may release without knowing whether another already did.
 */
public final class Lease {
    private final Scheduler scheduler;
    private final NodeLink link;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(Scheduler scheduler, NodeLink link) {
        this.scheduler = scheduler;
        this.link = link;
    }

    public NodeLink link() {
        return link;
    }

    /** Gives the slot back and, for {@code nodeFault}, lowers the backend's reputation; only the first call counts. */
    void release(boolean nodeFault) {
        if (released.compareAndSet(false, true)) scheduler.release(link, nodeFault);
    }
}

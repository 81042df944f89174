package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.wire.HubMessage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bounded hand-off between a node link's reader and the consumer thread of one request. The reader never
 * blocks: when the buffer is full the request is marked overflowed and only it is ended
 * (idleclaw-wire.md §11 #8). Terminal events that find the buffer full are remembered instead of queued.
 */
public final class RelayStream {

    /** What a node link delivers for a request. */
    public sealed interface Event {}
    /** A chunk; {@code receipt} is set only on an authenticated node's final chunk. */
    public record Chunk(ObjectNode chunk, ObjectNode receipt) implements Event {
        Chunk(ObjectNode chunk) {
            this(chunk, null);
        }
    }
    /** A chunk that is not the last, already decoded (the frame was {@link dev.idleclaw.wire.ChunkScan scanned}). */
    public record Piece(dev.idleclaw.chat.ChatChunk chunk) implements Event {}
    public record NodeError(String code) implements Event {}
    /** The one answer to an {@code embed_request}. */
    public record Embedded(dev.idleclaw.wire.NodeMessage.EmbedResult result) implements Event {}
    /**
     * The backend refused the request as the caller's fault with an HTTP status (a peer's 4xx): final, no failover,
     * no penalty. {@code message} is the backend's own error text (untrusted), {@code body} its parsed JSON or null.
     */
    public record Refused(int status, String message, JsonNode body) implements Event {}
    public record Disconnected() implements Event {}

    private final String requestId;
    private final Lease lease;
    private final NodeLink link;
    private final ArrayBlockingQueue<Event> queue;
    private volatile boolean overflowed;
    private volatile Event pendingTerminal;
    private volatile Thread waiter;
    private volatile long waitUntil;
    private final AtomicBoolean cancelSent = new AtomicBoolean();

    /** A request holding {@code lease}'s slot; {@link #close} gives it back. */
    public RelayStream(String requestId, Lease lease, int capacity) {
        this.requestId = requestId;
        this.lease = lease;
        this.link = lease.link();
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public String requestId() {
        return requestId;
    }

    public NodeLink link() {
        return link;
    }

    /** Called by the node reader; never blocks. */
    void deliver(Event e) {
        try {
            offer(e);
        } finally {
            Thread w = waiter;
            if (w != null) LockSupport.unpark(w);
        }
    }

    private void offer(Event e) {
        if (!queue.offer(e)) {
            if (e instanceof Disconnected) pendingTerminal = e;
            else if (!overflowed) {
                overflowed = true;
                // The consumer thread may be stuck writing to a client that stopped reading: stop the node and
                // free its slot now rather than when that write finally times out.
                close(false);
            }
        }
    }

    /** Sends this request's {@code cancel_request} to the node, at most once. */
    void cancel() {
        if (cancelSent.compareAndSet(false, true)) link.send(new HubMessage.CancelRequest(requestId));
    }

    /**
     * Ends the request on the node side, once: stops routing its chunks, cancels it, and gives the slot back
     * ({@code nodeFault} lowers the node's reputation).
     */
    public void close(boolean nodeFault) {
        link.untrack(this);
        cancel();
        lease.release(nodeFault);
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** The next event if one is queued right now, else null (never waits). */
    public Event pollNow() {
        Event e = queue.poll();
        if (e == null && pendingTerminal != null) return pendingTerminal;
        return e;
    }

    /**
     * Next event, or null after {@code nanos} without one. The wait is an untimed park: a timed park per relayed
     * token arms and cancels a timer each time, so deadlines are enforced instead by {@link Deadlines}, which wakes
     * overdue waiters (at most {@link Deadlines#SWEEP} late).
     */
    public Event poll(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanos);
        waitUntil = deadline;
        waiter = Thread.currentThread();
        Deadlines.waiting(this);
        try {
            while (true) {
                Event e = queue.poll();
                if (e != null) return e;
                if (pendingTerminal != null) return pendingTerminal;
                if (System.nanoTime() - deadline >= 0) return null;
                LockSupport.park(this);
                if (Thread.interrupted()) throw new InterruptedException();
            }
        } finally {
            waiter = null;
            Deadlines.done(this);
        }
    }

    /** Wakes the waiting thread if its deadline has passed (called by {@link Deadlines}). */
    void wakeIfOverdue(long now) {
        Thread w = waiter;
        if (w != null && now - waitUntil >= 0) LockSupport.unpark(w);
    }
}

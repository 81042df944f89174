package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.wire.HubMessage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request on one backend, between the node link's reader and the consumer's thread. Once the relay has
 * {@link #attach attached} a {@link Passer}, the reader passes each non-final chunk to the consumer itself, on its own
 * thread, under this request's drain lock: no hand-off per token. Everything else (the final chunk with its receipt,
 * errors, disconnects, and any event that arrives before the passer or after the attempt ended) is queued for the
 * consumer's thread, which the reader then wakes. The reader never blocks on the consumer: the queue is bounded, and
 * a consumer whose connection falls behind is the passer's to cut off (idleclaw-wire.md §11 #8).
 */
public final class RelayStream {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RelayStream.class);

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

    /**
     * The relay's handling of non-final chunks, called under the drain lock by whichever thread holds it: a node
     * link's reader, or the consumer's thread for chunks queued before the passer was attached.
     */
    public interface Passer {
        /** Relays one non-final chunk; false ends the attempt here (a cut, the consumer gone or too far behind). */
        boolean pass(Event chunk);

        /** Sends what {@link #pass} wrote; false ends the attempt (the consumer is gone). */
        boolean flush();
    }

    /**
     * Passes a burst may leave unflushed: a reader that keeps finding data never ends its burst, and a consumer that is
     * behind shows only once a write is in flight, so a long burst flushes along the way.
     */
    static final int MAX_PASSED_UNFLUSHED = 16;

    private final String requestId;
    private final Lease lease;
    private final NodeLink link;
    private final ArrayBlockingQueue<Event> queue;
    /** Held while a thread calls the passer or, on the consumer's thread, the sink. */
    private final ReentrantLock drain = new ReentrantLock();
    private volatile Passer passer;
    /** No more passing: the passer ended the attempt, or the consumer's thread took it over. */
    private volatile boolean ended;
    /** Chunks were passed and await the end of the reader's burst to be flushed (under the drain lock). */
    private boolean flushPending;
    /** Passes since the last flush (under the drain lock). */
    private int passedUnflushed;
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

    /** Lets node link readers pass non-final chunks from now on; the consumer's thread has called the sink's start. */
    public void attach(Passer p) {
        passer = p;
    }

    /** Called by the node reader; never waits for the consumer. */
    void deliver(Event e) {
        offer(e);
        if (passable(e)) {
            try {
                if (passQueued()) return;
            } catch (RuntimeException bug) {
                // The hub's own fault, not the node's: end this request only, never the link's reader.
                log.error("relaying a chunk of request {} failed", requestId, bug);
                ended = true;
            }
        }
        wake();
    }

    private void offer(Event e) {
        if (!queue.offer(e)) {
            if (e instanceof Disconnected) pendingTerminal = e;
            else if (!overflowed) {
                overflowed = true;
                // The consumer thread is behind: stop the node and free its slot now.
                close(false);
            }
        }
    }

    private static boolean passable(Event e) {
        return e instanceof Piece || e instanceof Chunk c && !OllamaJson.isDone(c.chunk());
    }

    /**
     * Passes the queued non-final chunks in order and has them flushed when the reader's {@link ReadBurst} ends (so the
     * chunks of one network read for one consumer go out in one write). Returns true when nothing is left for the
     * consumer's thread.
     */
    private boolean passQueued() {
        if (passer == null || ended) return false;
        drain.lock();
        try {
            return passLocked(false) && queue.isEmpty() && pendingTerminal == null;
        } finally {
            drain.unlock();
        }
    }

    /**
     * Passes the non-final chunks at the head of the queue and flushes them, at once ({@code flushNow}) or when the
     * reader's burst ends; false when there is no passer or passing has ended.
     */
    private boolean passLocked(boolean flushNow) {
        Passer p = passer;
        if (p == null || ended) return false;
        boolean passed = false;
        for (Event e; (e = queue.peek()) != null && passable(e); ) {
            queue.poll();
            passed = true;
            if (!p.pass(e)) {
                ended = true;
                return false;
            }
        }
        if (!passed) return true;
        if (!flushNow && ++passedUnflushed < MAX_PASSED_UNFLUSHED) {
            if (!flushPending) {
                flushPending = true;
                ReadBurst.flushLater(this);
            }
            return !ended;
        }
        flushPending = false;
        passedUnflushed = 0;
        if (!p.flush()) {
            ended = true;
            return false;
        }
        return true;
    }

    /** The end of a reader's burst: sends what it passed, and wakes the consumer's thread if the consumer is gone. */
    void flushPassed() {
        boolean gone = false;
        drain.lock();
        try {
            if (!flushPending) return;
            flushPending = false;
            passedUnflushed = 0;
            Passer p = passer;
            if (p != null && !ended && !p.flush()) gone = ended = true;
        } finally {
            drain.unlock();
        }
        if (gone) wake();
    }

    /**
     * On the consumer's thread, with a passer attached: passes what is queued, then takes the attempt's final event
     * (anything but a non-final chunk) if one is next, and with it the attempt ({@link #end}). Null when nothing is
     * queued, or when passing {@linkplain #passingEnded ended} the attempt.
     */
    public Event takeFinal() {
        drain.lock();
        try {
            while (true) {
                if (!passLocked(true)) return null;
                // Only a drain-lock holder takes from the queue, but a reader may add to it at any time: a chunk that
                // arrived after the pass above is passed in the next turn, never handed to the consumer's thread.
                Event e = queue.peek();
                if (e != null && passable(e)) continue;
                if (e != null) queue.poll();
                else e = pendingTerminal;
                if (e != null) ended = true;
                return e;
            }
        } finally {
            drain.unlock();
        }
    }

    /**
     * Takes the attempt over on the consumer's thread: no chunk is passed after this returns, so the sink is the
     * caller's alone. Called before the attempt's last sink calls (end, cut, fail).
     */
    public void end() {
        drain.lock();
        try {
            ended = true;
        } finally {
            drain.unlock();
        }
    }

    /** Whether a passer ended the attempt (its own result says why). */
    public boolean passingEnded() {
        return ended;
    }

    /** Runs {@code action} on the sink while no reader is passing a chunk (a keep-alive, say). */
    public void exclusively(Runnable action) {
        drain.lock();
        try {
            action.run();
        } finally {
            drain.unlock();
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
        retire();
        lease.release(nodeFault);
    }

    /**
     * Ends the request on the node side but keeps the slot: a tool round runs its next request on the same lease
     * (a new stream); the last stream on the lease {@linkplain #close closes} it.
     */
    public void retire() {
        link.untrack(this);
        cancel();
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
     * Next event, or null after {@code nanos} without one. For a stream with a passer, use {@link #await} instead: the
     * passer takes the chunks. The wait is an untimed park: deadlines are enforced by {@link Deadlines}, which wakes
     * overdue waiters (at most {@link Deadlines#SWEEP} late).
     */
    public Event poll(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanos);
        startWaiting(deadline);
        try {
            while (true) {
                Event e = pollNow();
                if (e != null) return e;
                if (System.nanoTime() - deadline >= 0) return null;
                park();
            }
        } finally {
            stopWaiting();
        }
    }

    /**
     * Waits up to {@code nanos} until the consumer's thread has something to do: an event queued for it, the passer
     * ended the attempt, or the buffer overflowed.
     */
    public void await(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanos);
        startWaiting(deadline);
        try {
            while (queue.isEmpty() && pendingTerminal == null && !ended && !overflowed && System.nanoTime() - deadline < 0) park();
        } finally {
            stopWaiting();
        }
    }

    private void startWaiting(long deadline) {
        waitUntil = deadline;
        waiter = Thread.currentThread();
        Deadlines.waiting(this);
    }

    private void stopWaiting() {
        waiter = null;
        Deadlines.done(this);
    }

    private void park() throws InterruptedException {
        LockSupport.park(this);
        if (Thread.interrupted()) throw new InterruptedException();
    }

    private void wake() {
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
    }

    /** Wakes the waiting thread if its deadline has passed (called by {@link Deadlines}). */
    void wakeIfOverdue(long now) {
        Thread w = waiter;
        if (w != null && now - waitUntil >= 0) LockSupport.unpark(w);
    }
}

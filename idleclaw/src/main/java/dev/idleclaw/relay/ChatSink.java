package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.tools.Source;
import java.io.IOException;
import java.util.List;

/**
 * A front door's encoder for one answer. The {@link ChatRelay} calls it in this order: {@link #reject} alone, or
 * {@link #start} then any number of {@link #chunk}/{@link #keepAlive} and exactly one of {@link #end}, {@link #cut} or
 * {@link #fail}, with {@link #flush} in between and at the end; {@link #drained} comes last, always. Calls come from
 * the consumer's thread, except that {@link #chunk}, {@link #backedUp} and {@link #flush} between {@link #start} and
 * the last of the answer also come from node link readers; never two threads at once (one lock per request orders
 * them), so an implementation needs no locking of its own. No call may wait for the consumer's connection but
 * {@link #drained}: the others buffer what the connection cannot take yet. An {@link IOException} means the consumer
 * is gone.
 */
public interface ChatSink {

    /** Why an answer failed; each dialect renders its own text. */
    enum Failure { NODE_ERROR, INVALID_REQUEST, NODE_UNAVAILABLE, TIMEOUT, DISCONNECTED, OVERFLOW }

    /** Why an answer was stopped without an error. */
    enum Cut { CONTENT_LIMIT, TIME_LIMIT }

    /** Called before each attempt with the (anonymised) label of the node about to serve it. */
    default void servedBy(String nodeLabel) {}

    /** Every suitable node is busy: the request waits at {@code position} (1 = next); nothing is sent yet. */
    default void queued(int position) {}

    /** No node could take the request; nothing has been sent yet. */
    void reject(Scheduler.NoNode why) throws IOException;

    /** A node accepted the request. */
    void start() throws IOException;

    /** One piece of the answer; returning false stops the answer here (the relay then calls {@link #cut}). */
    boolean chunk(ChatChunk chunk) throws IOException;

    /**
     * A server-side tool runs between two rounds of the answer: {@code status} is {@code executing}, then {@code done}.
     * Dialects without a way to say so write nothing.
     */
    default void toolStatus(String tool, String status) throws IOException {}

    /**
     * The answer was offered server-side tools: the pages its tool calls drew on (possibly none), called once, just
     * before {@link #end}. Dialects without a way to say so write nothing.
     */
    default void sources(List<Source> used) throws IOException {}

    /** Nothing to send for a while (a node is silent, or a tool runs): keep the connection warm. */
    void keepAlive() throws IOException;

    /**
     * The node's receipt for this answer, accepted and recorded by the hub (base64 wire form, lobstah-wire.md §4);
     * called just before {@link #end}, and only for authenticated nodes.
     */
    default void receipt(String base64) throws IOException {}

    /** The node finished normally. */
    void end(ChatEnd end) throws IOException;

    /** The answer was stopped by a limit. */
    void cut(Cut why) throws IOException;

    /** The answer failed after {@link #start}; {@code node} names the serving node for messages. */
    void fail(Failure why, String node) throws IOException;

    /**
     * Sends what the other calls wrote. They only buffer, so that a burst of chunks costs one write to the socket; the
     * relay flushes whenever it has nothing queued and is about to wait, and after the last call.
     */
    void flush() throws IOException;

    /**
     * The backend refused the request as the consumer's own fault before any output (a peer's 4xx, such as a Lobstah
     * worker's {@code 402 insufficient_credit}), or no node takes a request of its size: pass {@code status} and the
     * error on in this dialect.
     * {@code message} is the backend's text (untrusted, capped); {@code body} its JSON answer, or null.
     */
    void refused(int status, String message, JsonNode body) throws IOException;

    /**
     * Whether the consumer's connection is still taking bytes of earlier calls (they wait in the sink's buffer). The
     * relay ends an answer whose consumer stays behind for more chunks than its buffer allows.
     */
    default boolean backedUp() {
        return false;
    }

    /**
     * Waits until everything written went out to the connection, the connection failed, or a bound passed; called
     * last on every path (possibly more than once), so that the door returns only when its answer has left the sink.
     */
    default void drained() {}

    /** True once any answer content reached the consumer (after that there is no failover). */
    boolean hasOutput();
}

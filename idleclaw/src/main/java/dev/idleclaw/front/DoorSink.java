package dev.idleclaw.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.relay.ChatSink;
import dev.idleclaw.registry.Scheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What every door's chat sink shares, so that each door's sink keeps only its dialect: the serving node's label and
 * the receipt held until the answer ends, the queue position header, the commit-once rule (status, type, the door's
 * stream headers and {@link Headers#SERVED_BY} go out with the first bytes, and only once), writing and flushing
 * without waiting for the consumer ({@link Outbox}), and the order of a failure: the door's error answer before any
 * output, its in-band failure after.
 */
public abstract class DoorSink implements ChatSink {
    protected final HttpServletResponse response;
    protected final String model;
    protected final boolean stream;
    private String node, receipt;
    private boolean committed;
    /** The answer's bytes on their way out; made by the first {@link #write}. */
    private Outbox outbox;

    protected DoorSink(HttpServletResponse response, String model, boolean stream) {
        this.response = response;
        this.model = model;
        this.stream = stream;
    }

    @Override
    public final void servedBy(String nodeLabel) {
        node = nodeLabel;
    }

    /** The label of the node serving the answer, or null before one was chosen. */
    protected final String node() {
        return node;
    }

    @Override
    public void queued(int position) {
        if (!response.isCommitted()) response.setHeader(Headers.QUEUE_POSITION, Integer.toString(position));
    }

    @Override
    public final void receipt(String base64) {
        receipt = base64;
    }

    /** A non-streamed answer carries its receipt, if any, as a header. */
    protected final void receiptHeader() {
        if (receipt != null) response.setHeader(Headers.RECEIPT, receipt);
    }

    /** The receipt of the lobstah-wire.md §4 form, if any, in the answer's body (a field, or a comment line). */
    protected final String receipt() {
        return receipt;
    }

    /** A streamed answer's receipt, if any: an SSE comment, sent just before the stream's last event. */
    protected final void receiptComment(String lineEnd) throws IOException {
        if (receipt != null) write((":lobstah-receipt:" + receipt + lineEnd + lineEnd).getBytes(StandardCharsets.US_ASCII));
    }

    /** Sets {@link Headers#RETRY_AFTER} from the scheduler's hint. */
    protected final void retryAfter(Scheduler.NoNode why) {
        response.setHeader(Headers.RETRY_AFTER, Long.toString(why.retryAfterSeconds));
    }

    @Override
    public void start() throws IOException {}

    /** True once the answer's status and headers were set (after that, failures are in-band). */
    protected final boolean committed() {
        return committed;
    }

    /** Sets status, type and headers once, with the first bytes of the answer; later calls do nothing. */
    protected final void commit(int status, String type) {
        if (committed) return;
        committed = true;
        response.setStatus(status);
        response.setContentType(type);
        streamHeaders();
        if (node != null) response.setHeader(Headers.SERVED_BY, node);
    }

    /** The door's own headers for an answer; by default a stream is not to be cached. */
    protected void streamHeaders() {
        if (stream) response.setHeader(Headers.CACHE_CONTROL, "no-cache");
    }

    /** Answers {@code status} with {@code text} in the door's error shape; nothing has been sent yet. */
    protected abstract void error(int status, String text) throws IOException;

    /**
     * Answers {@code status} with Ollama's sized {@code {"error":message}} body (type JSON), written and flushed at
     * once: a sized body is complete once written, so the router's 404 page can no longer be appended to it. The
     * error shape of the Ollama door and of a member's internal route alike.
     */
    protected final void ollamaError(int status, String message) throws IOException {
        commit(status, "application/json; charset=utf-8");
        byte[] body = Json.write(Json.object().put("error", message)).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        var out = response.getOutputStream();
        out.write(body);
        out.flush();
    }

    /** Ends an answer already under way with the door's in-band failure saying {@code text}. */
    protected abstract void failMidAnswer(Failure why, String text) throws IOException;

    @Override
    public void cut(Cut why) throws IOException {
        fail(Failure.TIMEOUT, node);
    }

    @Override
    public void fail(Failure why, String nodeId) throws IOException {
        String text = FailureText.of(why, node);
        if (committed) {
            failMidAnswer(why, text);
            return;
        }
        error(FailureText.status(why), text);
        committed = true;
    }

    @Override
    public final void refused(int status, String message, JsonNode body) throws IOException {
        refuse(status, message, body);
        committed = true;
    }

    /** Passes a backend's refusal on; by default as the door's error with the backend's text. */
    protected void refuse(int status, String message, JsonNode body) throws IOException {
        error(status, message == null ? FailureText.refused(status) : message);
    }

    @Override
    public boolean hasOutput() {
        return committed;
    }

    /**
     * Adds bytes of the answer; they go out with the next {@link #flush}, without waiting for the consumer. Call
     * {@link #commit} first: the status and headers go out with the first of them.
     */
    protected final void write(byte[] bytes) throws IOException {
        outbox().append(bytes);
    }

    /** Sends the committed status and headers now, ahead of any bytes of the answer. */
    protected final void sendHeaders() throws IOException {
        outbox().send();
    }

    private Outbox outbox() {
        if (outbox == null) outbox = new Outbox(response);
        return outbox;
    }

    /**
     * Sends what was written. An error answered before any output went through the servlet stream instead (sized,
     * written once on the consumer's thread) and is flushed there.
     */
    @Override
    public void flush() throws IOException {
        if (outbox != null) outbox.send();
        else if (committed) response.getOutputStream().flush();
    }

    @Override
    public boolean backedUp() {
        return outbox != null && outbox.backedUp();
    }

    @Override
    public void drained() {
        if (outbox != null) outbox.finish();
    }
}

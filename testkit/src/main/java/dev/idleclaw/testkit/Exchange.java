package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;

/**
 * One request/response on the wire, with the low-level moves the stand-in needs: exact Content-Type values,
 * per-line flushing, abrupt close, and noticing that the client hung up.
 *
 * <p>Client-close detection: Jetty 12 does not read from a connection while a handler runs and has consumed the
 * request body, so a client's FIN goes unnoticed (request failure listeners do not fire) until a write fails, and
 * with TCP the first write after a close usually still succeeds. While waiting (hang mode, per-token delays) the
 * stand-in therefore probes the socket itself with a non-blocking {@link EndPoint#fill}: {@code -1} (or an I/O
 * error) means the client closed. Any bytes a client sends mid-reply are discarded; HTTP/1.1 clients send none.
 */
final class Exchange implements Replies {
    /** How often a waiting reply probes for a client close: fast enough for cancel tests, cheap enough to idle. */
    static final Duration POLL = Duration.ofMillis(20);
    /** Probe buffer size; we only need to see EOF. */
    private static final int PROBE_BYTES = 256;

    private final Context ctx;
    private final byte[] body;
    private final RecordedRequest recorded;
    private final BooleanSupplier stopping;
    private final EndPoint endPoint;

    Exchange(Context ctx, byte[] body, RecordedRequest recorded, BooleanSupplier stopping) {
        this.ctx = ctx;
        this.body = body;
        this.recorded = recorded;
        this.stopping = stopping;
        this.endPoint = ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData().getConnection().getEndPoint();
    }

    /** Thrown when the reply cannot go on: the client closed ({@code byClient}) or the stand-in is stopping. */
    static final class Gone extends RuntimeException {
        final boolean byClient;

        Gone(boolean byClient) {
            super(null, null, false, false);
            this.byClient = byClient;
        }
    }

    byte[] body() { return body; }

    String method() { return recorded.method(); }

    String path() { return recorded.path(); }

    boolean committed() { return ctx.res().isCommitted(); }

    /** A complete reply with Content-Length; no body bytes for HEAD. */
    void send(int status, String contentType, byte[] bytes) {
        ctx.res().setStatus(status);
        contentType(contentType);
        ctx.res().setContentLength(bytes.length);
        if (!"HEAD".equals(method())) write(bytes);
    }

    @Override
    public void json(int status, JsonNode node) { send(status, Wire.JSON, Wire.bytes(node)); }

    /** Commits 200 + {@code application/x-ndjson} headers; the body is chunked. */
    @Override
    public void startStream() { startStream(Wire.NDJSON); }

    /** Commits 200 + the given Content-Type; the body is chunked. */
    void startStream(String contentType) {
        ctx.res().setStatus(200);
        contentType(contentType);
        try {
            ctx.res().flushBuffer();
        } catch (IOException e) {
            throw clientGone();
        }
    }

    @Override
    public void writeLine(JsonNode node) { write(Wire.line(node)); }

    /** Writes and flushes raw body bytes, e.g. one SSE event. */
    void write(byte[] bytes) {
        try {
            var out = ctx.res().getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw clientGone();
        }
    }

    /** Sleeps, probing for a client close; throws {@link Gone} when the client or the server went away. */
    void pause(Duration delay) {
        if (delay.isZero()) return;
        var deadline = System.nanoTime() + delay.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            check();
            sleep(Math.min(left, POLL.toNanos()));
        }
        check();
    }

    /** Sends nothing more and returns only by throwing {@link Gone}: client closed, or the stand-in stopped. */
    void awaitClientClose() {
        while (true) {
            check();
            sleep(POLL.toNanos());
        }
    }

    /** Abrupt close: no terminating chunk, no error line. */
    void drop() { endPoint.close(); }

    private void check() {
        if (stopping.getAsBoolean()) {
            drop();
            throw new Gone(false);
        }
        if (clientClosed()) throw clientGone();
    }

    private boolean clientClosed() {
        try {
            return endPoint.fill(BufferUtil.allocate(PROBE_BYTES)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private Gone clientGone() {
        drop();
        recorded.connectionClosed().complete(null);
        return new Gone(true);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Gone(false);
        }
    }

    /** Jetty rewrites servlet Content-Types ("a; charset=b" → "a;charset=b"); the core response keeps them as given. */
    private void contentType(String value) {
        var core = Response.getOriginalResponse(ServletContextResponse.getServletContextResponse(ctx.res()));
        core.getHeaders().put(HttpHeader.CONTENT_TYPE, value);
    }
}

package dev.idleclaw.server;

import dev.idleclaw.admission.BadBody;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.admission.DoorShapes;
import dev.idleclaw.admission.QuietLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' one error mapping: a refused request body (413, or a body the client broke), Javalin's 404 and 405, and
 * anything unexpected (500), each in the error shape of the door that handles the request ({@link DoorShapes}).
 */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    private final DoorShapes shapes;
    private final long maxBodyBytes;
    private final ClientIp clientIp;
    /** Broken bodies are the client's doing and can arrive by the thousand: one line a minute at most. */
    private final QuietLog badBodies = new QuietLog(log, QuietLog.DEFAULT_EVERY);

    ErrorMapping(DoorShapes shapes, long maxBodyBytes, ClientIp clientIp) {
        this.shapes = shapes;
        this.maxBodyBytes = maxBodyBytes;
        this.clientIp = clientIp;
    }

    void install(RoutesConfig r) {
        r.before(this::refuseOversized);
        // Javalin's own 404/405 messages name the endpoint; IdleClaw (Starlette) answers with the bare reason.
        r.exception(HttpResponseException.class, (e, ctx) -> shapes.of(ctx).write(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> tooLarge();
            default -> e.getMessage();
        }));
        r.exception(Exception.class, (e, ctx) -> {
            if (BadBody.of(e) instanceof BadBody bad) {
                String client = clientIp.resolve(ctx.req().getRemoteAddr(), ClientIp.joined(java.util.Collections.list(ctx.req().getHeaders(ClientIp.FORWARDED_FOR))));
                badBodies.warn("refused a broken request body on {} {} from {}: {}", ctx.method(), ctx.path(), client, bad.reason());
                shapes.of(ctx).write(ctx, bad.status(), bad.status() == 413 ? tooLarge() : bad.reason());
                return;
            }
            if (e instanceof dev.idleclaw.ledger.LedgerException le && le.unavailable()) {
                // The ledger's own WARN said the database went away; each request it refuses is not news.
                ctx.header("Retry-After", Long.toString(dev.idleclaw.admission.CallerAuth.LEDGER_RETRY_AFTER_SECONDS));
                shapes.of(ctx).write(ctx, 503, "the hub's ledger database is unreachable: retry shortly");
                return;
            }
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            shapes.of(ctx).write(ctx, 500, "Internal Server Error");
        });
        // Only when nothing was written: a door's own 404 (e.g. Ollama's unknown model) is already the answer.
        r.error(404, ctx -> { if (unanswered(ctx)) shapes.of(ctx).write(ctx, 404, "Not Found"); });
        r.error(405, ctx -> { if (unanswered(ctx)) shapes.of(ctx).write(ctx, 405, "Method Not Allowed"); });
    }

    private static boolean unanswered(Context ctx) {
        return ctx.result() == null && !ctx.res().isCommitted();
    }

    /**
     * 413 for a declared {@code Content-Length} over {@code --max-body-bytes}, before anything reads the body: Jetty
     * answers {@code Expect: 100-continue} when the body is first read, so a client must not be invited to send what
     * will be refused. The connection closes, as the unread body is still on it. Only for such a client: one that sends
     * its body at once would lose the answer to the reset that closing over its unread body causes, so its oversized
     * body is refused by the size limit as it is read.
     */
    private void refuseOversized(Context ctx) {
        String expect = ctx.header("Expect");
        if (expect == null || !expect.equalsIgnoreCase("100-continue") || ctx.req().getContentLengthLong() <= maxBodyBytes) return;
        ctx.header("Connection", "close");
        throw new HttpResponseException(413, tooLarge());
    }

    /** The 413 text: names the limit and the option that sets it. */
    String tooLarge() {
        return "Content Too Large: this hub accepts request bodies of at most " + maxBodyBytes
               + " bytes (its operator sets --max-body-bytes)";
    }
}

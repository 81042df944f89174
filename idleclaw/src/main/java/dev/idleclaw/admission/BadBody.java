package dev.idleclaw.admission;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;

/**
 * A request body the client broke (cut off, bad chunk framing, an early close): its fault, answered 400 (or the
 * 4xx Jetty chose), never a 500 with a stack trace.
 */
public record BadBody(int status, String reason) {
    /** Causes are followed this deep at most (a cycle or a long chain is not a body error). */
    private static final int MAX_DEPTH = 8;

    /** The client-side body error behind {@code e}, or null when {@code e} is something else. */
    public static BadBody of(Throwable e) {
        Throwable t = e;
        for (int i = 0; t != null && i < MAX_DEPTH; i++, t = t.getCause()) {
            if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                return new BadBody(h.getCode(), h.getCode() == 400 ? "Bad request body" : reasonOf(h.getCode()));
            }
            // cut off by the client, or closed by SlowRequests while the body was being read
            if (t instanceof EofException || t instanceof java.nio.channels.ClosedChannelException) return new BadBody(400, "Bad request body");
        }
        return null;
    }

    private static String reasonOf(int code) {
        String r = org.eclipse.jetty.http.HttpStatus.getMessage(code);
        return r == null ? "Bad request body" : r;
    }
}

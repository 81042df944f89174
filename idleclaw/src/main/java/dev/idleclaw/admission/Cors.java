package dev.idleclaw.admission;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * {@link Admission}'s CORS step: answers a browser's preflight (200 for a listed origin, 400 otherwise) and names a
 * listed origin on every other answer. Credentials are never allowed across origins.
 */
public final class Cors implements Step {
    /** How long a browser may reuse a preflight's answer, in seconds. */
    static final String MAX_AGE_SECONDS = "600";
    private static final String METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
    private final List<String> origins;

    public Cors(List<String> origins) {
        this.origins = List.copyOf(origins);
    }

    @Override
    public boolean pass(Admitting request) {
        Context ctx = request.ctx();
        String origin = ctx.header("Origin");
        boolean allowed = origin != null && origins.contains(origin);
        if (ctx.method() == HandlerType.OPTIONS && origin != null && ctx.header("Access-Control-Request-Method") != null) {
            if (allowed) {
                ctx.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin")
                        .header("Access-Control-Allow-Methods", METHODS).header("Access-Control-Max-Age", MAX_AGE_SECONDS);
                String h = ctx.header("Access-Control-Request-Headers");
                if (h != null) ctx.header("Access-Control-Allow-Headers", h);
                ctx.status(200).contentType("text/plain; charset=utf-8").result("OK");
            } else {
                ctx.status(400).contentType("text/plain; charset=utf-8").result("Disallowed CORS origin");
            }
            return false;
        }
        if (allowed) ctx.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin");
        return true;
    }
}

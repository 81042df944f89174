package dev.idleclaw.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.announce.AnnounceFormatException;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.Unannounce;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.json.Json;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's HTTP surface (lobstah-wire.md §6), separate from {@code main} so tests run exactly these routes.
 * {@link #install} configures a stand-alone server; {@link #mount} adds only the four routes under a prefix, so a
 * hub can serve them too. Every error is JSON {@code {"error":{"type":…}}}; nothing answers 500 for bad input.
 */
public final class TrackerRoutes {
    private static final Logger log = LoggerFactory.getLogger(TrackerRoutes.class);
    /**
     * Largest request body, and so largest stored announcement: one naming 100 models is about 4 KB. It bounds the
     * registry's memory together with {@link Tracker#MAX_ENTRIES}.
     */
    static final int MAX_BODY_BYTES = 8 * 1024;
    private static final String JSON = "application/json";

    private final Tracker tracker;
    private final IpRateLimit limiter;
    private final ClientIp clientIp;

    /** Thrown for a body over {@link #MAX_BODY_BYTES}. */
    private static final class TooLarge extends Exception {}

    public TrackerRoutes(Tracker tracker, int requestsPerMinute, ClientIp clientIp) {
        this.tracker = tracker;
        this.limiter = new IpRateLimit(requestsPerMinute);
        this.clientIp = clientIp;
    }

    /** Configures a stand-alone tracker server: the routes at the root plus JSON 404s and error mapping. */
    public void install(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.http.maxRequestSize = MAX_BODY_BYTES;
        cfg.router.ignoreTrailingSlashes = true; // as the Cloudflare variant: "/peers/" is "/peers"
        var r = cfg.routes;
        mount(r, "");
        r.error(404, ctx -> {
            if (ctx.res().isCommitted()) return;
            var error = Json.object().put("type", "not_found").put("path", ctx.path());
            error(ctx, 404, error);
        });
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                Json.object().put("type", e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus())));
        r.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, Json.object().put("type", "internal"));
        });
    }

    /** Adds {@code GET <prefix>/}, {@code GET <prefix>/peers}, {@code POST <prefix>/announce} and {@code /unannounce}. */
    public void mount(RoutesConfig r, String prefix) {
        r.get(prefix.isEmpty() ? "/" : prefix, limited(this::root));
        r.get(prefix + "/peers", limited(this::peers));
        r.post(prefix + "/announce", limited(this::announce));
        r.post(prefix + "/unannounce", limited(this::unannounce));
    }

    private Handler limited(Handler handler) {
        return ctx -> {
            long wait = limiter.take(clientIp.resolve(ctx.req().getRemoteAddr(), ClientIp.joined(java.util.Collections.list(ctx.req().getHeaders(ClientIp.FORWARDED_FOR)))));
            if (wait > 0) {
                ctx.header("Retry-After", Long.toString(wait));
                error(ctx, 429, Json.object().put("type", "rate_limited"));
                return;
            }
            handler.handle(ctx);
        };
    }

    private void root(Context ctx) {
        ctx.contentType("text/plain; charset=UTF-8").result("lobstah-tracker (live peers: " + tracker.liveCount() + ")\n");
    }

    private void peers(Context ctx) {
        var list = tracker.peers();
        var body = Json.object().put("version", 1).put("count", list.size());
        var peers = body.putArray("peers");
        list.forEach(p -> peers.add(p.toJson()));
        json(ctx, 200, body);
    }

    private void announce(Context ctx) throws IOException {
        SignedAnnouncement signed = parse(ctx, SignedAnnouncement::fromJson);
        if (signed != null) answer(ctx, tracker.announce(signed));
    }

    private void unannounce(Context ctx) throws IOException {
        Unannounce u = parse(ctx, Unannounce::fromJson);
        if (u != null) answer(ctx, tracker.unannounce(u));
    }

    /** How a body becomes a request object; a wrong shape is {@link AnnounceFormatException}. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(JsonNode body) throws AnnounceFormatException;
    }

    /** The parsed body, or null after answering 413 (too large) or 400 {@code bad_json}. */
    private <T> T parse(Context ctx, Parser<T> parser) throws IOException {
        try {
            return parser.parse(read(ctx));
        } catch (TooLarge e) {
            tooLarge(ctx);
        } catch (AnnounceFormatException e) {
            badJson(ctx);
        }
        return null;
    }

    private static void answer(Context ctx, Verdict verdict) {
        switch (verdict) {
            case Verdict.Announced a -> json(ctx, 200, Json.object().put("ok", true).put("pubkey", a.pubkey())
                    .put("ttlSeconds", a.ttlSeconds()).put("registeredCount", a.registeredCount()));
            case Verdict.Unannounced u -> json(ctx, 200, Json.object().put("ok", true).put("removed", u.removed()));
            case Verdict.Refused r -> error(ctx, 400, Json.object().put("type", "rejected").put("reason", r.reason().wire));
        }
    }

    /** The parsed body; unparsable JSON is an {@link AnnounceFormatException} too (400 bad_json, never 500). */
    private static JsonNode read(Context ctx) throws IOException, TooLarge, AnnounceFormatException {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) throw new TooLarge();
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) throw new TooLarge();
        try {
            JsonNode n = Json.parse(body);
            if (n == null) throw new AnnounceFormatException("empty body");
            return n;
        } catch (IOException | RuntimeException e) {
            throw new AnnounceFormatException("not JSON");
        }
    }

    private static void badJson(Context ctx) {
        error(ctx, 400, Json.object().put("type", "bad_json"));
    }

    private static void tooLarge(Context ctx) {
        error(ctx, 413, Json.object().put("type", "too_large"));
    }

    private static void error(Context ctx, int status, ObjectNode error) {
        var body = Json.object();
        body.set("error", error);
        json(ctx, status, body);
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType(JSON).result(Json.write(body));
    }
}

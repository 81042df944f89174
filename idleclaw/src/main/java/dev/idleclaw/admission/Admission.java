package dev.idleclaw.admission;

import dev.idleclaw.relay.Caller;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How a request is let in: one ordered list of steps ({@link Stage}), each taken at most once per request, that ends in
 * an admitted {@link Caller} or in a refusal written in the shape of the door that handles the request. Every request
 * takes {@link #EVERY_REQUEST} (in a before-handler, so preflights and unrouted paths take them too); the rest only
 * where a route declares them: chat doors {@link #CHAT_DOOR}, lookups {@link #LOOKUP}.
 */
public final class Admission {
    /** The steps, in the order they run; each says why it stands where it does. */
    public enum Stage {
        /** Names the request ({@code X-Request-Id}) first, so every answer, a refusal too, can be found in the logs. */
        NAME,
        /**
         * CORS before any budget: a browser's preflight is answered without spending one, and a refusal after it
         * still carries the allow-origin header the browser needs to read it.
         */
        CORS,
        /**
         * The per-client budget of the path's kind, before any work is done for the request. The chat budget is the
         * anonymous free tier, so a caller spending its own credit skips it: this may check the credentials.
         */
        RATE,
        /** The per-client open-stream cap, before credentials are refused: a client over its cap is told 429 first. */
        OPEN_STREAMS,
        /** Who is calling: credentials present but wrong are refused (401; 508 for a loop), never taken as anonymous. */
        CALLER,
        /** A Lobstah router naming itself in a bare header, for a request that proved no key (never debited). */
        NAMED_REQUESTER,
        /** The worker's credit gate, last: it needs the caller, and answers 402 before any node is used. */
        CREDIT
    }

    /** What every request takes, routed or not. */
    static final Set<Stage> EVERY_REQUEST = EnumSet.of(Stage.NAME, Stage.CORS, Stage.RATE);
    /** What a chat (or embedding) door declares. */
    static final Set<Stage> CHAT_DOOR = EnumSet.of(Stage.OPEN_STREAMS, Stage.CALLER, Stage.NAMED_REQUESTER, Stage.CREDIT);
    /** What a lookup of the ledger declares. */
    static final Set<Stage> LOOKUP = EnumSet.of(Stage.CALLER);

    private final Map<Stage, Step> steps;
    private final ClientIp clientIp;
    private final DoorShapes shapes;
    private final Supplier<CallerAuth> callers;

    /** {@code steps}: one for every stage. */
    public Admission(Map<Stage, Step> steps, ClientIp clientIp, DoorShapes shapes, Supplier<CallerAuth> callers) {
        var all = new EnumMap<Stage, Step>(Stage.class);
        all.putAll(steps);
        if (all.size() != Stage.values().length) throw new IllegalArgumentException("a step for every stage, got " + all.keySet());
        this.steps = all;
        this.clientIp = clientIp;
        this.shapes = shapes;
        this.callers = callers;
    }

    /** The before-handler: {@link #EVERY_REQUEST}'s steps; a request they answered goes no further. */
    public void everyRequest(Context ctx) throws Exception {
        if (!take(ctx, EVERY_REQUEST)) ctx.skipRemainingHandlers();
    }

    /**
     * {@code door} behind {@link #CHAT_DOOR}'s steps, with the admitted caller in {@link Caller#ATTRIBUTE}. What the
     * steps took (the open-stream slot) is given back as the answer's last byte is handed over, or when the door
     * returns at the latest.
     */
    public Handler chatDoor(Handler door) {
        return ctx -> {
            try {
                if (!take(ctx, CHAT_DOOR)) return;
                ctx.attribute(Caller.ATTRIBUTE, state(ctx).caller());
                door.handle(ctx);
            } finally {
                state(ctx).end();
            }
        };
    }

    /** {@link #LOOKUP}'s steps: the lookup's caller, or null once its refusal is written. */
    public Caller lookup(Context ctx) throws Exception {
        return take(ctx, LOOKUP) ? state(ctx).caller() : null;
    }

    /** Takes {@code stages} in {@link Stage} order, skipping those this request took already; false once one answered. */
    private boolean take(Context ctx, Set<Stage> stages) throws Exception {
        var request = state(ctx);
        for (Stage stage : Stage.values()) {
            if (!stages.contains(stage) || !request.taken.add(stage)) continue;
            if (!steps.get(stage).pass(request)) return false;
        }
        return true;
    }

    private Admitting state(Context ctx) {
        if (ctx.attribute(Admitting.ATTRIBUTE) instanceof Admitting a) return a;
        var a = new Admitting(ctx, clientIp.resolve(ctx.req().getRemoteAddr(), ClientIp.joined(java.util.Collections.list(ctx.req().getHeaders(ClientIp.FORWARDED_FOR)))), shapes, callers);
        ctx.attribute(Admitting.ATTRIBUTE, a);
        return a;
    }
}

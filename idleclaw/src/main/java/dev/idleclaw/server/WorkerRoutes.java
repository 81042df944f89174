package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.front.Headers;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lobstah worker's own surface (lobstah-wire.md §7, §11a) on a hub in the worker profile: {@code GET /},
 * {@code GET /pubkey}, {@code GET /capacity}, the requester rule for a bare {@code x-lobstah-requester} and the 402
 * credit gate. The chat itself goes through the hub's front doors unchanged.
 */
final class WorkerRoutes {
    private static final Logger log = LoggerFactory.getLogger(WorkerRoutes.class);
    /** The root body of a Lobstah worker. */
    static final String ROOT = "lobstah-worker\n";

    private final Hub hub;

    WorkerRoutes(Hub hub) {
        this.hub = hub;
    }

    void root(Context ctx) {
        ctx.contentType("text/plain; charset=utf-8").result(ROOT);
    }

    void pubkey(Context ctx) {
        json(ctx, 200, Json.object().put("pubkey", hub.publicKey()));
    }

    /**
     * {@code {"pubkey","models","tier","concurrency","queueDepth","jobCounts"}}: the models and slots of the worker's
     * own node. 500 while no node is connected or the local Ollama does not answer (upstream: Ollama down → 500), so a
     * router counts the worker as failing instead of routing to it.
     */
    void capacity(Context ctx) {
        var models = new LinkedHashSet<String>();
        int concurrency = 0;
        for (NodeLink link : hub.registry().registered()) {
            if (!hub.publicKey().equals(link.pubkey()) || link.registration() == null) continue;
            link.models().forEach(m -> models.add(m.name()));
            concurrency += link.registration().maxConcurrent();
        }
        if (models.isEmpty() || !hub.backendHealthy()) {
            String why = models.isEmpty() ? "the worker's node is not connected" : "ollama is not reachable";
            ObjectNode err = Json.object();
            err.putObject("error").put("type", "engine_unavailable").put("message", why);
            json(ctx, 500, err);
            return;
        }
        long running = hub.stats().active();
        ObjectNode out = Json.object().put("pubkey", hub.publicKey());
        var names = out.putArray("models");
        models.forEach(names::add);
        out.put("tier", hub.config().worker().tier()).put("concurrency", concurrency)
                // Upstream counts async jobs here; we have none, so it is what is running now.
                .put("queueDepth", running);
        out.putObject("jobCounts").put("queued", 0).put("running", running).put("done", 0).put("error", 0);
        json(ctx, 200, out);
    }

    /**
     * A request without proved credentials that names a key in {@code x-lobstah-requester}, as original Lobstah
     * routers do: receipts name that key (so the router's "requester is me" check passes), but it is not verified,
     * so it is never debited and never gets credit priority (lobstah-wire.md §12 #1). A malformed value is ignored.
     */
    static Caller named(Context ctx) {
        String named = ctx.header(Headers.REQUESTER);
        if (named == null) return Caller.ANONYMOUS;
        named = named.strip();
        if (!PublicKeys.valid(named)) {
            log.debug("ignoring a malformed {} header", Headers.REQUESTER);
            return Caller.ANONYMOUS;
        }
        return Caller.named(named);
    }

    /**
     * Lobstah's credit gate for a proved requester: with no available credit in this worker's ledger (one account
     * row, never a scan), 402 with upstream's body before any node is used. True when the request may go on.
     */
    boolean creditAllows(Context ctx, Caller caller) {
        if (!caller.verified() || caller.credited()) return true;
        Ledger.Account account = hub.ledger().account(caller.pubkey());
        long available = account.available();
        if (available > 0) return true;
        ObjectNode err = Json.object();
        err.putObject("error").put("type", "insufficient_credit")
                .put("message", "requester has " + available + " tokens of available credit (>0 required)")
                .put("availableTokens", available).put("requesterPubkey", caller.pubkey());
        json(ctx, 402, err);
        return false;
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}

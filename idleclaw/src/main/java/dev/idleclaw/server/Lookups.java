package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.admission.Admission;
import dev.idleclaw.admission.ErrorShape;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.relay.HubMetrics;
import dev.idleclaw.json.Json;
import io.javalin.http.Context;

/**
 * The hub's own lookups ({@code /balance}, {@code /ledger}, {@code /peers}, {@code /metrics}):
 * what the admin token or {@link Admission#LOOKUP}'s caller may see, in IdleClaw's {@code {"detail"}} shape.
 */
final class Lookups {
    private final Hub hub;
    private final Admission admission;
    private final boolean publicLedger;
    private final AdminToken admin;

    /** {@code adminToken}: empty for none (then nobody is the admin). */
    Lookups(Hub hub, Admission admission, boolean publicLedger, String adminToken) {
        this.hub = hub;
        this.admission = admission;
        this.publicLedger = publicLedger;
        this.admin = new AdminToken(adminToken);
    }

    /**
     * {@code GET /balance}: lobstah-wire.md §8's shape; {@code self} is the signed caller's account (else the hub's),
     * {@code perPeer} every account only for the admin or on a public ledger, else the caller's own.
     */
    void balance(Context ctx) throws Exception {
        if (isAdmin(ctx)) {
            json(ctx, Balances.balance(hub.ledger(), hub.publicKey(), hub.publicKey(), new Balances.View.All()));
            return;
        }
        Caller caller = admission.lookup(ctx);
        if (caller == null) return;
        String own = ownKey(caller);
        json(ctx, Balances.balance(hub.ledger(), hub.publicKey(), own == null ? hub.publicKey() : own, view(caller)));
    }

    /**
     * {@code GET /ledger?limit=N}: newest receipts first (limit 1..500, default 50): all of them for the admin or on a
     * public ledger, else those naming the caller's key (none for an anonymous caller).
     */
    void ledger(Context ctx) throws Exception {
        if (isAdmin(ctx) || publicLedger) {
            json(ctx, Balances.ledger(hub.ledger(), ctx.queryParam("limit"), new Balances.View.All()));
            return;
        }
        Caller caller = admission.lookup(ctx);
        if (caller == null) return;
        json(ctx, Balances.ledger(hub.ledger(), ctx.queryParam("limit"), view(caller)));
    }

    /** What this (non-admin) caller may see of the ledger (docs/protocol.md "Who sees the ledger"). */
    private Balances.View view(Caller caller) {
        if (publicLedger) return new Balances.View.All();
        return new Balances.View.Own(ownKey(caller));
    }

    /**
     * The key whose ledger entries this caller may read: its own proved key; none for a forwarded request, since
     * "on behalf of" is a promise to pay, not a proof that lets a peer read someone's receipts.
     */
    private static String ownKey(Caller caller) {
        return caller.via().isEmpty() ? caller.pubkey() : null;
    }

    /** {@code GET /peers}: the peers file as Lobstah's router shows it (an array of {@code {pubkey,url,label?}}). */
    void peers(Context ctx) {
        var list = Json.array();
        if (hub.peers() != null) {
            for (var p : hub.peers().peers()) {
                var o = list.addObject().put("pubkey", p.pubkey()).put("url", p.url());
                if (p.label() != null) o.put("label", p.label());
            }
        }
        ctx.contentType("application/json").result(Json.write(list));
    }

    /** IdleClaw's JSON by default; Prometheus text or OpenMetrics when the scraper asks for it. */
    void metrics(Context ctx) {
        String accept = ctx.header("Accept");
        if (HubMetrics.wantsExposition(accept)) {
            ctx.contentType(HubMetrics.contentType(accept)).result(hub.metrics().scrape(accept));
        } else {
            json(ctx, hub.info().metrics());
        }
    }

    private boolean isAdmin(Context ctx) {
        return admin.matches(ctx);
    }

    static void json(Context ctx, ObjectNode body) {
        ctx.contentType("application/json").result(Json.write(body));
    }
}

package dev.idleclaw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.admission.ErrorShape;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.registry.Bans;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Standing;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's word on node keys (docs/trust.md "Operator controls", docs/protocol.md "Operator API"):
 * {@code GET /admin/trust} lists every key the hub remembers with its standing and held credits;
 * {@code POST /admin/trust/{pubkey}/trust|suspend|ban|reset} changes one. Behind the admin token like all of
 * {@code /admin/*}; each action is logged with the operator's address.
 */
final class TrustApi {
    private static final Logger log = LoggerFactory.getLogger(TrustApi.class);
    /** Keys one listing shows at most: an operator's page, bounded in size; the rest by asking for a key. */
    static final int MAX_LISTED = 1_000;

    private final Hub hub;
    private final AdminApi admin;

    TrustApi(Hub hub, AdminApi admin) {
        this.hub = hub;
        this.admin = admin;
    }

    /** {@code GET /admin/trust}: the remembered keys (at most {@link #MAX_LISTED}) and the rules in force. */
    void list(Context ctx) {
        var out = Json.object();
        var settings = hub.config().trust();
        out.put("probation_checks", settings.probationChecks()).put("probation_share", settings.probationShare())
                .put("suspend_below", settings.suspendBelow());
        var keys = out.putArray("keys");
        var all = hub.scheduler().standings();
        var connected = connections();
        for (var v : all.subList(0, Math.min(all.size(), MAX_LISTED))) keys.add(json(v, connected));
        out.put("total", all.size());
        Lookups.json(ctx, out);
    }

    /**
     * {@code POST /admin/trust/{pubkey}/{action}}; a ban takes {@code ?seconds=N} or {@code {"seconds":N}} (default:
     * the longest ban).
     */
    void act(Context ctx) {
        String pubkey = ctx.pathParam("pubkey");
        if (!PublicKeys.valid(pubkey)) {
            ErrorShape.IDLECLAW.write(ctx, 422, "pubkey must be a public key (lob1 + 64 lowercase hex)");
            return;
        }
        Standing.Action action = switch (ctx.pathParam("action")) {
            case "trust" -> Standing.Action.TRUST;
            case "suspend" -> Standing.Action.SUSPEND;
            case "ban" -> Standing.Action.BAN;
            case "reset" -> Standing.Action.RESET;
            default -> null;
        };
        if (action == null) {
            ErrorShape.IDLECLAW.write(ctx, 404, "the action must be trust, suspend, ban or reset");
            return;
        }
        int closed = 0;
        if (action == Standing.Action.BAN) {
            long seconds = Bans.MAX_DURATION.toSeconds();
            String query = ctx.queryParam("seconds");
            if (query != null) {
                try {
                    seconds = Long.parseLong(query.trim());
                } catch (NumberFormatException e) {
                    seconds = 0;
                }
            } else if (!ctx.body().isBlank()) {
                JsonNode body = AdminApi.body(ctx);
                if (body == null) return;
                seconds = body.path("seconds").asLong(seconds);
            }
            if (seconds < 1 || seconds > Bans.MAX_DURATION.toSeconds()) {
                ErrorShape.IDLECLAW.write(ctx, 422, "seconds must be 1.." + Bans.MAX_DURATION.toSeconds());
                return;
            }
            if (hub.registry().bans().ban(Bans.Kind.KEY, pubkey, Duration.ofSeconds(seconds)) == null) {
                ErrorShape.IDLECLAW.write(ctx, 409, "too many bans in force (" + Bans.MAX_BANS + ")");
                return;
            }
            closed = closeConnections(pubkey);
        } else if (action == Standing.Action.RESET) {
            for (var b : hub.registry().bans().list()) {
                if (b.kind() == Bans.Kind.KEY && b.target().equals(pubkey)) hub.registry().bans().lift(b.id());
            }
        }
        Standing.View view = hub.scheduler().operator(pubkey, action);
        log.info("admin from {}: {} {} (now {}{})", admin.operator(ctx), action.name().toLowerCase(Locale.ROOT), pubkey,
                view.state().label, action == Standing.Action.BAN ? ", " + closed + " connection(s) closed" : "");
        Lookups.json(ctx, json(view, connections()).put("action", action.name().toLowerCase(Locale.ROOT)).put("closed", closed));
    }

    private int closeConnections(String pubkey) {
        int closed = 0;
        for (NodeLink l : hub.registry().registered()) {
            if (pubkey.equals(l.pubkey())) {
                l.close(1008, "banned by the hub's operator");
                closed++;
            }
        }
        return closed;
    }

    /** Open connections per key. */
    private java.util.Map<String, Long> connections() {
        return hub.registry().registered().stream().filter(l -> l.pubkey() != null)
                .collect(java.util.stream.Collectors.groupingBy(NodeLink::pubkey, java.util.stream.Collectors.counting()));
    }

    private ObjectNode json(Standing.View v, java.util.Map<String, Long> connections) {
        Ledger.Account account = hub.ledger().account(v.pubkey());
        long connected = connections.getOrDefault(v.pubkey(), 0L);
        return Json.object().put("pubkey", v.pubkey()).put("standing", v.state().label)
                .put("reputation", Math.round(v.reputation() * 100) / 100.0).put("checks_passed", v.checksPassed())
                .put("flags", v.flags()).put("convictions", v.convictions())
                .put("barred_until", v.barredUntil() == 0 ? null : java.time.Instant.ofEpochMilli(v.barredUntil()).toString())
                .put("held", account.held()).put("forfeited", account.forfeited())
                .put("earned", account.earned()).put("connected", connected)
                .put("banned", hub.registry().bans().banned(v.pubkey(), null));
    }
}

package dev.idleclaw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.admission.ErrorShape;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.Bans;
import dev.idleclaw.registry.NodeLink;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's API behind the admin token (docs/protocol.md "Operator API"): the node list, disconnecting a node,
 * temporary bans of a key or an address, and the API keys {@code idleclaw server keys} manages (the same ledger table).
 * Every action is logged with the operator's address, never with the token.
 */
final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    /** A label longer than this is a paste accident, not a note. */
    static final int MAX_LABEL_CHARS = 200;

    private final Hub hub;
    private final AdminToken token;
    private final ClientIp clientIp;

    AdminApi(Hub hub, AdminToken token, ClientIp clientIp) {
        this.hub = hub;
        this.token = token;
        this.clientIp = clientIp;
    }

    /** {@code handler} for the admin only: 401 without the token, and always when the hub has none configured. */
    Handler guarded(Handler handler) {
        return ctx -> {
            if (token.matches(ctx)) handler.handle(ctx);
            else ErrorShape.IDLECLAW.write(ctx, 401, "Unauthorized");
        };
    }

    void nodes(Context ctx) {
        Lookups.json(ctx, hub.info().adminNodes());
    }

    /** {@code POST /admin/nodes/{node_id}/disconnect}: closes the node's connection (it may reconnect; ban it to keep it out). */
    void disconnect(Context ctx) {
        NodeLink link = node(ctx);
        if (link == null) return;
        link.close(1000, "disconnected by the hub's operator");
        log.info("admin from {}: disconnected {}", operator(ctx), link);
        Lookups.json(ctx, Json.object().put("disconnected", link.nodeId()));
    }

    /**
     * {@code POST /admin/nodes/{node_id}/ban} with {@code {"what":"key"|"address","seconds":N}}: bans the node's key
     * (or, for an anonymous node, its address; the operator never sees the full address) and closes every connection
     * the ban covers.
     */
    void banNode(Context ctx) throws Exception {
        NodeLink link = node(ctx);
        if (link == null) return;
        JsonNode body = body(ctx);
        if (body == null) return;
        String what = body.path("what").asText(link.pubkey() != null ? "key" : "address");
        Bans.Kind kind = switch (what) {
            case "key" -> Bans.Kind.KEY;
            case "address" -> Bans.Kind.ADDRESS;
            default -> null;
        };
        if (kind == null || (kind == Bans.Kind.KEY && link.pubkey() == null)) {
            ErrorShape.IDLECLAW.write(ctx, 422, kind == null ? "what must be key or address" : "an anonymous node has no key to ban; ban its address");
            return;
        }
        ban(ctx, kind, kind == Bans.Kind.KEY ? link.pubkey() : link.ip(), body);
    }

    /** {@code POST /admin/bans} with {@code {"key":"lob1…"}} or {@code {"address":"203.0.113.7"}} and {@code seconds}. */
    void banTarget(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        if (body == null) return;
        String key = body.path("key").asText(""), address = body.path("address").asText("");
        if (key.isEmpty() == address.isEmpty()) {
            ErrorShape.IDLECLAW.write(ctx, 422, "give exactly one of key or address");
        } else if (!key.isEmpty() && !PublicKeys.valid(key)) {
            ErrorShape.IDLECLAW.write(ctx, 422, "key must be a public key (lob1 + 64 lowercase hex)");
        } else if (!address.isEmpty() && !address.matches("[0-9A-Fa-f:.]{2,45}")) {
            ErrorShape.IDLECLAW.write(ctx, 422, "address must be an IPv4 or IPv6 address");
        } else {
            ban(ctx, key.isEmpty() ? Bans.Kind.ADDRESS : Bans.Kind.KEY, key.isEmpty() ? address : key, body);
        }
    }

    private void ban(Context ctx, Bans.Kind kind, String target, JsonNode body) {
        long seconds = body.path("seconds").asLong(0);
        if (seconds < 1 || seconds > Bans.MAX_DURATION.toSeconds()) {
            ErrorShape.IDLECLAW.write(ctx, 422, "seconds must be 1.." + Bans.MAX_DURATION.toSeconds());
            return;
        }
        var ban = hub.registry().bans().ban(kind, target, Duration.ofSeconds(seconds));
        if (ban == null) {
            ErrorShape.IDLECLAW.write(ctx, 409, "too many bans in force (" + Bans.MAX_BANS + ")");
            return;
        }
        // A banned key is caught: what it holds is forfeited and it starts on probation when it may return.
        if (kind == Bans.Kind.KEY) hub.scheduler().operator(target, dev.idleclaw.registry.Standing.Action.BAN);
        int closed = 0;
        for (NodeLink l : hub.registry().registered()) {
            if (kind == Bans.Kind.KEY ? target.equals(l.pubkey()) : target.equals(l.ip())) {
                l.close(1008, "banned by the hub's operator");
                closed++;
            }
        }
        log.info("admin from {}: banned {} {} for {} s ({} connection(s) closed)", operator(ctx),
                kind.name().toLowerCase(), ban.shown(), seconds, closed);
        Lookups.json(ctx, json(ban).put("closed", closed));
    }

    void bans(Context ctx) {
        var out = Json.object();
        var list = out.putArray("bans");
        hub.registry().bans().list().forEach(b -> list.add(json(b)));
        Lookups.json(ctx, out);
    }

    /** {@code DELETE /admin/bans/{id}}. */
    void lift(Context ctx) {
        var ban = hub.registry().bans().lift(ctx.pathParam("id"));
        if (ban == null) {
            ErrorShape.IDLECLAW.write(ctx, 404, "no such ban");
            return;
        }
        log.info("admin from {}: lifted the ban of {} {}", operator(ctx), ban.kind().name().toLowerCase(), ban.shown());
        Lookups.json(ctx, json(ban));
    }

    void keys(Context ctx) {
        var out = Json.object();
        var list = out.putArray("keys");
        List<dev.idleclaw.ledger.Ledger.ApiKey> keys = hub.ledger().apiKeys();
        for (var k : keys) list.addObject().put("pubkey", k.pubkey()).put("label", k.label() == null ? "" : k.label())
                .put("created_at", k.createdAt());
        Lookups.json(ctx, out);
    }

    /** {@code POST /admin/keys} with {@code {"pubkey","label"}}: the new {@code ick_…} key, shown this once. */
    void createKey(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        if (body == null) return;
        String pubkey = body.path("pubkey").asText(""), label = body.path("label").asText("");
        if (!PublicKeys.valid(pubkey)) {
            ErrorShape.IDLECLAW.write(ctx, 422, "pubkey must be a public key (lob1 + 64 lowercase hex)");
            return;
        }
        if (label.length() > MAX_LABEL_CHARS) {
            ErrorShape.IDLECLAW.write(ctx, 422, "label is longer than " + MAX_LABEL_CHARS + " characters");
            return;
        }
        String key = ApiKeys.generate();
        hub.ledger().addApiKey(ApiKeys.sha256(key), pubkey, label);
        log.info("admin from {}: issued an API key for {}", operator(ctx), pubkey);
        Lookups.json(ctx.status(201), Json.object().put("api_key", key).put("pubkey", pubkey).put("label", label));
    }

    /** {@code DELETE /admin/keys/{pubkey}}: revokes every API key of that public key. */
    void revokeKeys(Context ctx) {
        String pubkey = ctx.pathParam("pubkey");
        int removed = PublicKeys.valid(pubkey) ? hub.ledger().removeApiKeys(pubkey) : 0;
        if (removed == 0) {
            ErrorShape.IDLECLAW.write(ctx, 404, "no API key for that public key");
            return;
        }
        log.info("admin from {}: revoked {} API key(s) of {}", operator(ctx), removed, pubkey);
        Lookups.json(ctx, Json.object().put("pubkey", pubkey).put("removed", removed));
    }

    private NodeLink node(Context ctx) {
        String id = ctx.pathParam("node_id");
        for (NodeLink l : hub.registry().registered()) if (l.nodeId().equals(id)) return l;
        ErrorShape.IDLECLAW.write(ctx, 404, "no such node");
        return null;
    }

    static JsonNode body(Context ctx) {
        try {
            JsonNode n = Json.parse(ctx.bodyAsBytes());
            if (n.isObject()) return n;
        } catch (Exception e) {
            // answered below
        }
        ErrorShape.IDLECLAW.write(ctx, 422, "the body must be a JSON object");
        return null;
    }

    private static ObjectNode json(Bans.Ban b) {
        return Json.object().put("id", b.id()).put("kind", b.kind().name().toLowerCase()).put("target", b.shown())
                .put("until", Instant.ofEpochMilli(b.until()).toString()).put("until_ms", b.until());
    }

    String operator(Context ctx) {
        return clientIp.resolve(ctx.req().getRemoteAddr(), ClientIp.joined(java.util.Collections.list(ctx.req().getHeaders(ClientIp.FORWARDED_FOR))));
    }
}

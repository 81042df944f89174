package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The part every member route shares: a forward's signature checked by {@link MemberAuth}, its body read as JSON and
 * its {@code requester} matched against the signed on-behalf-of. {@link #read} answers the refusal itself and returns
 * null, so a route only handles requests that passed.
 *
 * @param forward   the checked forward signature
 * @param body      the forward's JSON body ({@code request_id}, {@code params}, {@code requester}, ...)
 * @param requester the consumer's key the forwarder vouches for, or null for an anonymous consumer
 * @param verified  whether the forwarder verified the consumer's own signature
 */
record MemberRequest(ForwardSignature.Forward forward, JsonNode body, String requester, boolean verified) {

    /** The forward's request id, for the logs. */
    String requestId() {
        return Json.text(body, "request_id");
    }

    /** The request, or null once the refusal (401/403/508 from the auth, 400 for the body) has been answered. */
    static MemberRequest read(Context ctx, MemberAuth auth) {
        byte[] bytes = ctx.bodyAsBytes();
        ForwardSignature.Forward f;
        try {
            f = auth.verify(ctx::header, bytes, System.currentTimeMillis());
        } catch (MemberAuth.Refused e) {
            error(ctx, e.status, e.getMessage());
            return null;
        }
        JsonNode body;
        try {
            body = Json.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            error(ctx, 400, "the body is not JSON");
            return null;
        }
        String requester = body.path("requester").isTextual() ? body.get("requester").asText() : null;
        String signedFor = f.onBehalfOf().equals("anonymous") ? null : f.onBehalfOf();
        if (!Objects.equals(requester, signedFor)) {
            error(ctx, 400, "requester does not match the signed on-behalf-of");
            return null;
        }
        return new MemberRequest(f, body, requester, requester != null && body.path("requester_verified").asBoolean(false));
    }

    /** A member route's refusal: {@code {"error": message}} with {@code status}. */
    static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(Json.object().put("error", message)));
    }
}

package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.relay.EmbedRelay;
import dev.idleclaw.wire.EmbedCodec;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireException;
import dev.idleclaw.wire.WireLimits;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /cluster/v1/embed}, mounted only in cluster mode: an embedding request another member forwards
 * (docs/protocol.md "Cluster forwarding"), authenticated by {@link MemberAuth} as a chat's, run by the
 * {@link EmbedRelay} on this hub's own node agents only, which records the node's receipt. The body is
 * {@code {"request_id","params","requester","requester_verified","credited"}} with {@code params} an
 * {@code embed_request}'s fields; the answer is an {@code embed_result}'s fields with the node's receipt as it signed it.
 */
final class MemberEmbedRoute implements Handler {
    private static final Logger log = LoggerFactory.getLogger(MemberEmbedRoute.class);
    private final MemberAuth auth;
    private final EmbedRelay relay;

    MemberEmbedRoute(MemberAuth auth, EmbedRelay relay) {
        this.auth = auth;
        this.relay = relay;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        var forward = MemberRequest.read(ctx, auth);
        if (forward == null) return;
        var request = request(forward.body(), forward.requester());
        if (request == null) {
            error(ctx, 400, "params must be an embed_request's fields: a model and 1 to " + WireLimits.MAX_EMBED_INPUTS
                            + " input texts, and optional dimensions, truncate, keep_alive, options");
            return;
        }
        log.debug("serving embedding request {} forwarded by cluster member {}", forward.requestId(), forward.forward().forwarder().substring(0, 16));
        var caller = new Caller(forward.requester(), forward.body().path("credited").asBoolean(false), forward.verified(), List.of());
        var job = new EmbedRelay.Job(ChatRelay.MEMBER_DOOR, request.model(), request.input(), request.dimensions(), request.truncate(),
                request.keepAlive(), request.options(), caller, true);
        answer(ctx, request.model(), relay.run(job));
    }

    /** The forward's request, or null when its parameters are not an embed_request's. */
    private static HubMessage.EmbedRequest request(JsonNode body, String requester) {
        if (!(body.path("params") instanceof ObjectNode params)) return null;
        try {
            return EmbedCodec.request(params, Json.text(body, "request_id") == null ? "forward" : Json.text(body, "request_id"), requester);
        } catch (WireException e) {
            return null;
        }
    }

    /**
     * The outcome for the forwarding member: the vectors, or a 503 when no node of this hub can take it (the
     * forwarder fails over), or the consumer's fault in-band (which it passes on), or a 502 when the node failed.
     */
    private static void answer(Context ctx, String model, EmbedRelay.Outcome outcome) {
        switch (outcome) {
            case EmbedRelay.Outcome.Embedded e -> {
                ObjectNode out = EmbedCodec.answer(new NodeMessage.EmbedResult("forward", e.embeddings(), e.promptTokens(), receipt(e.receipt())));
                ctx.status(200).contentType("application/json; charset=utf-8").result(Json.write(out));
            }
            case EmbedRelay.Outcome.UnknownModel u -> error(ctx, 503, "no node of this hub serves " + model);
            case EmbedRelay.Outcome.NoEmbeddingNode n -> error(ctx, 503, "no node of this hub serves embeddings for " + model);
            case EmbedRelay.Outcome.Busy b -> {
                ctx.header("Retry-After", Long.toString(b.retryAfterSeconds()));
                error(ctx, 503, "no node of this hub takes " + model + " now (busy)");
            }
            // The consumer's fault, told in-band (a plain 4xx would be this route refusing the forwarding hub):
            case EmbedRelay.Outcome.Invalid i -> inBand(ctx, Json.object().put("error", "invalid_request"));
            case EmbedRelay.Outcome.Refused r -> inBand(ctx, Json.object().set("refused",
                    Json.object().put("status", r.status()).put("message", r.message() == null ? "refused" : r.message())));
            case EmbedRelay.Outcome.Failed fail -> error(ctx, 502, "embedding failed: " + fail.why());
        }
    }

    /** The node's receipt as it signed it (this hub accepted and recorded it), or null when there is none. */
    private static ObjectNode receipt(String base64) {
        if (base64 == null) return null;
        try {
            return SignedReceipt.fromBase64(base64).toJson();
        } catch (ReceiptException e) {
            throw new IllegalStateException("a receipt this hub accepted no longer reads", e);
        }
    }

    private static void inBand(Context ctx, ObjectNode answer) {
        ctx.status(200).contentType("application/json; charset=utf-8").result(Json.write(answer));
    }

    private static void error(Context ctx, int status, String message) {
        MemberRequest.error(ctx, status, message);
    }
}

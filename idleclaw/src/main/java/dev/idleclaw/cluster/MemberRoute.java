package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.json.Json;
import dev.idleclaw.relay.ChatRelay;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /cluster/v1/chat}, mounted only in cluster mode: a chat another member forwards (docs/protocol.md
 * "Cluster forwarding"), authenticated by {@link MemberAuth}, run by the relay on this hub's own node agents only
 * ({@link ChatRelay.Job#memberForward}) and answered through a {@link MemberSink}. The body is
 * {@code {"request_id","params","requester","requester_verified","credited"}}: the forwarder's request id (for the
 * logs), the Ollama chat parameters as they are, and its word on the consumer, which this hub takes from a member.
 */
final class MemberRoute implements Handler {
    private static final Logger log = LoggerFactory.getLogger(MemberRoute.class);

    private final MemberAuth auth;
    private final ChatRelay relay;

    MemberRoute(MemberAuth auth, ChatRelay relay) {
        this.auth = auth;
        this.relay = relay;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        byte[] bytes = ctx.bodyAsBytes();
        ForwardSignature.Forward f;
        try {
            f = auth.verify(ctx::header, bytes, System.currentTimeMillis());
        } catch (MemberAuth.Refused e) {
            error(ctx, e.status, e.getMessage());
            return;
        }
        JsonNode body;
        try {
            body = Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            error(ctx, 400, "the body is not JSON");
            return;
        }
        JsonNode params = body.path("params");
        String model = params.path("model").isTextual() ? params.get("model").asText() : null;
        if (!(params instanceof ObjectNode p) || model == null || model.isEmpty() || !params.path("messages").isArray()) {
            error(ctx, 400, "params must be Ollama chat parameters with a model and messages");
            return;
        }
        String requester = body.path("requester").isTextual() ? body.get("requester").asText() : null;
        String signedFor = f.onBehalfOf().equals("anonymous") ? null : f.onBehalfOf();
        if (!java.util.Objects.equals(requester, signedFor)) {
            error(ctx, 400, "requester does not match the signed on-behalf-of");
            return;
        }
        log.debug("serving request {} forwarded by cluster member {}", Json.text(body, "request_id"), f.forwarder().substring(0, 16));
        var job = ChatRelay.Job.memberForward(model, p, requester, requester != null && body.path("requester_verified").asBoolean(false),
                body.path("credited").asBoolean(false));
        relay.run(job, new MemberSink(ctx.res(), model));
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(Json.object().put("error", message)));
    }
}

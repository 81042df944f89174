package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        var forward = MemberRequest.read(ctx, auth);
        if (forward == null) return;
        JsonNode params = forward.body().path("params");
        String model = params.path("model").isTextual() ? params.get("model").asText() : null;
        if (!(params instanceof ObjectNode p) || model == null || model.isEmpty() || !params.path("messages").isArray()) {
            MemberRequest.error(ctx, 400, "params must be Ollama chat parameters with a model and messages");
            return;
        }
        log.debug("serving request {} forwarded by cluster member {}", forward.requestId(), forward.forward().forwarder().substring(0, 16));
        var job = ChatRelay.Job.memberForward(model, p, forward.requester(), forward.verified(),
                forward.body().path("credited").asBoolean(false));
        relay.run(job, new MemberSink(ctx.res(), model));
    }
}

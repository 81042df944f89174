package dev.idleclaw.node;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's node identity and work: the first hub reply (expected {@code registered}), then requests and
 * cancels handed to a {@link RequestDesk} answering on this link, the heartbeat/ping loop and dead-link detection. Requests
 * belong to the connection that brought them; when it ends they are all cancelled.
 */
final class HubSession {
    private static final Logger log = LoggerFactory.getLogger(HubSession.class);
    /** Upper bound on the serve loop's tick, so dead-link checks stay timely. */
    private static final Duration MAX_TICK = Duration.ofSeconds(1);
    /** Lower bound on the tick, so shrunken test timings do not spin. */
    private static final Duration MIN_TICK = Duration.ofMillis(10);

    /** The optional request types this node serves: embeddings through Ollama's {@code /api/embed}. */
    static final java.util.List<String> FEATURES = java.util.List.of(NodeMessage.Register.EMBED);

    private final String nodeId;
    private final NodeTimings timings;
    private final RequestSlots slots;
    private final CompletableFuture<HubMessage> firstReply = new CompletableFuture<>();
    private final CompletableFuture<HubMessage.AuthChallenge> challenge = new CompletableFuture<>();
    private final Identity identity;
    private final RequestDesk desk;
    private volatile HubLink link;

    HubSession(String nodeId, NodeTimings timings, RequestSlots slots, RequestRules rules, OllamaClient ollama, Identity identity) {
        this.nodeId = nodeId;
        this.identity = identity;
        this.timings = timings;
        this.slots = slots;
        this.desk = new RequestDesk(slots, rules, ollama, identity, (m, wanted) -> link.send(WireCodec.encode(m), wanted));
    }

    String nodeId() {
        return nodeId;
    }

    void attach(HubLink l) {
        link = l;
    }

    HubLink link() {
        return link;
    }

    /** Completes with the hub's first message (or exceptionally when it was not valid). */
    CompletableFuture<HubMessage> firstReply() {
        return firstReply;
    }

    /** Called by {@link HubLink} with each complete inbound text message, on the WebSocket's thread. */
    void onText(String text) {
        HubMessage m;
        try {
            m = WireCodec.decodeHub(text);
        } catch (WireException e) {
            log.warn("the hub sent an invalid message ({}); closing the connection", e.reason());
            if (!firstReply.completeExceptionally(e)) Thread.ofVirtual().start(() -> link.close(e.closeCode(), e.reason()));
            return;
        }
        if (m instanceof HubMessage.AuthChallenge c && !challenge.isDone() && !firstReply.isDone()) {
            challenge.complete(c);
            return;
        }
        if (firstReply.complete(m)) return;
        switch (m) {
            case HubMessage.InferenceRequest _, HubMessage.EmbedRequest _, HubMessage.CancelRequest _ -> desk.receive(m);
            case HubMessage.Registered _ -> log.debug("ignoring a repeated registered message");
            case HubMessage.AuthChallenge _ -> log.debug("ignoring a late auth_challenge");
            case HubMessage.Unknown u -> log.debug("ignoring hub message of type {}", u.type());
        }
    }

    /** Completes with the hub's {@code auth_challenge} (sent only when the node asked to authenticate). */
    CompletableFuture<HubMessage.AuthChallenge> challenge() {
        return challenge;
    }

    /** Registers, proving {@link #identity}'s key for {@code c} when both are present, else anonymously. */
    void register(Inventory inventory, int maxConcurrent, NodeLimits limits, HubMessage.AuthChallenge c) {
        NodeMessage.NodeAuth auth = null;
        if (identity != null && c != null) {
            long now = System.currentTimeMillis();
            auth = new NodeMessage.NodeAuth(identity.publicKey(), now,
                    identity.sign(NodeMessage.NodeAuth.message(c.challenge(), c.hubKey(), nodeId, now)));
        }
        link.send(WireCodec.encode(new NodeMessage.Register(nodeId, inventory.models(), maxConcurrent,
                inventory.ollamaVersion(), auth, FEATURES, limits)));
    }

    void sendHeartbeat() {
        link.send(WireCodec.encode(new NodeMessage.Heartbeat(nodeId, slots.active(), slots.available())));
    }

    /**
     * Heartbeats (with a ping) every heartbeat interval until the link closes; a link silent for longer than
     * the dead-link time is aborted. Returns how the connection ended, after cancelling its requests.
     */
    HubLink.Closed serve() throws InterruptedException {
        long tick = Math.clamp(Math.min(timings.heartbeat().toMillis(), timings.deadLink().toMillis()) / 4,
                MIN_TICK.toMillis(), MAX_TICK.toMillis());
        long nextBeat = System.nanoTime() + timings.heartbeat().toNanos();
        try {
            while (true) {
                try {
                    return link.closed().get(tick, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still open: fall through to the periodic work
                } catch (ExecutionException e) {
                    return new HubLink.Closed(HubLink.ABNORMAL, String.valueOf(e.getCause()));
                }
                long now = System.nanoTime();
                if (now - link.lastInboundNanos() > timings.deadLink().toNanos()) {
                    log.warn("nothing from the hub for {}: dropping the connection", NodeTimings.text(timings.deadLink()));
                    link.abort("no data from the hub for " + NodeTimings.text(timings.deadLink()));
                } else if (now - nextBeat >= 0) {
                    sendHeartbeat();
                    link.ping();
                    nextBeat = now + timings.heartbeat().toNanos();
                }
            }
        } finally {
            cancelAll();
        }
    }

    /** Cancels every request of this connection. */
    void cancelAll() {
        desk.cancelAll();
    }
}

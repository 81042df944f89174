package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's node identity and work: the first hub reply (expected {@code registered}), then dispatch of
 * {@code inference_request}/{@code cancel_request}, the heartbeat/ping loop and dead-link detection. Requests
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
    private final RequestRules rules;
    private final OllamaClient ollama;
    private final CompletableFuture<HubMessage> firstReply = new CompletableFuture<>();
    private final CompletableFuture<HubMessage.AuthChallenge> challenge = new CompletableFuture<>();
    private final Identity identity;
    private final Map<String, InferenceJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, EmbedJob> embeds = new ConcurrentHashMap<>();
    private volatile HubLink link;

    HubSession(String nodeId, NodeTimings timings, RequestSlots slots, RequestRules rules, OllamaClient ollama, Identity identity) {
        this.nodeId = nodeId;
        this.identity = identity;
        this.timings = timings;
        this.slots = slots;
        this.rules = rules;
        this.ollama = ollama;
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
            case HubMessage.InferenceRequest r -> accept(r);
            case HubMessage.EmbedRequest r -> embed(r);
            case HubMessage.CancelRequest c -> {
                var job = jobs.get(c.requestId());
                if (job != null) {
                    log.debug("request {} cancelled by the hub", c.requestId());
                    job.cancel();
                }
                var embedding = embeds.get(c.requestId());
                if (embedding != null) embedding.cancel();
            }
            case HubMessage.Registered _ -> log.debug("ignoring a repeated registered message");
            case HubMessage.AuthChallenge _ -> log.debug("ignoring a late auth_challenge");
            case HubMessage.Unknown u -> log.debug("ignoring hub message of type {}", u.type());
        }
    }

    /** Refuses (draining, invalid, no free slot) or starts the request on its own virtual thread. */
    private void accept(HubMessage.InferenceRequest r) {
        String id = r.requestId();
        if (jobs.containsKey(id)) {
            log.warn("ignoring a second inference_request with id {}", id);
            return;
        }
        if (slots.closed()) {
            refuse(id, InferenceJob.OLLAMA_UNAVAILABLE, "the node is shutting down");
            return;
        }
        ObjectNode params;
        switch (rules.check(r.params())) {
            case RequestRules.Verdict.Reject reject -> {
                refuse(id, InferenceJob.INVALID_REQUEST, reject.why());
                return;
            }
            case RequestRules.Verdict.Forward forward -> params = forward.params();
        }
        if (!slots.tryAcquire()) {
            refuse(id, InferenceJob.OLLAMA_UNAVAILABLE, slots.closed() ? "the node is shutting down" : "all slots are busy");
            return;
        }
        var job = new InferenceJob(id, params, ollama, link, identity,
                r.requester() == null ? Receipt.ANONYMOUS : r.requester());
        jobs.put(id, job);
        Thread.ofVirtual().name("request-" + id).start(() -> {
            try {
                job.run();
            } finally {
                jobs.remove(id, job);
                slots.release();
            }
        });
    }

    /** Refuses (draining, unknown model, no free slot) or starts the embedding on its own virtual thread. */
    private void embed(HubMessage.EmbedRequest r) {
        String id = r.requestId();
        if (jobs.containsKey(id) || embeds.containsKey(id)) {
            log.warn("ignoring a second request with id {}", id);
            return;
        }
        if (!rules.registered(r.model())) {
            refuse(id, InferenceJob.INVALID_REQUEST, "model is not one this node registered");
            return;
        }
        if (slots.closed() || !slots.tryAcquire()) {
            refuse(id, InferenceJob.OLLAMA_UNAVAILABLE, slots.closed() ? "the node is shutting down" : "all slots are busy");
            return;
        }
        var job = new EmbedJob(r, ollama, link, identity);
        embeds.put(id, job);
        Thread.ofVirtual().name("embed-" + id).start(() -> {
            try {
                job.run();
            } finally {
                embeds.remove(id, job);
                slots.release();
            }
        });
    }

    /** Answers {@code inference_error} off the WebSocket's thread; {@code why} is for the log (never content). */
    private void refuse(String id, String code, String why) {
        log.info("request {} refused ({}): {}", id, code, why);
        String frame = WireCodec.encode(new NodeMessage.InferenceError(id, code));
        Thread.ofVirtual().start(() -> link.send(frame));
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
        jobs.values().forEach(InferenceJob::cancel);
        embeds.values().forEach(EmbedJob::cancel);
    }
}

package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's request handling, whatever carries the hub's messages: {@code inference_request} checked by
 * {@link RequestRules} and run as an {@link InferenceJob}, {@code embed_request} as an {@link EmbedJob}, each on its own
 * virtual thread within the node's {@link RequestSlots}; {@code cancel_request} stops its job. Answers go to the
 * {@link NodeOutbox}. Logs ids and reasons only, never content.
 */
final class RequestDesk {
    private static final Logger log = LoggerFactory.getLogger(RequestDesk.class);

    private final RequestSlots slots;
    private final RequestRules rules;
    private final OllamaClient ollama;
    private final Identity identity;
    private final NodeOutbox out;
    private final Map<String, InferenceJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, EmbedJob> embeds = new ConcurrentHashMap<>();

    /** {@code identity} signs receipts; null for an anonymous node (no receipts). */
    RequestDesk(RequestSlots slots, RequestRules rules, OllamaClient ollama, Identity identity, NodeOutbox out) {
        this.slots = slots;
        this.rules = rules;
        this.ollama = ollama;
        this.identity = identity;
        this.out = out;
    }

    /** Handles a request or a cancel; other messages are not the desk's and are ignored. Never blocks on Ollama. */
    void receive(HubMessage m) {
        switch (m) {
            case HubMessage.InferenceRequest r -> accept(r);
            case HubMessage.EmbedRequest r -> embed(r);
            case HubMessage.CancelRequest c -> cancel(c.requestId());
            case HubMessage.Registered _, HubMessage.AuthChallenge _, HubMessage.Unknown _ -> {}
        }
    }

    /**
     * Stops a job and gives its slot back at once: the hub counts the slot free as it sends the cancel, and its next
     * request may arrive before the job's thread has closed the Ollama stream. Whoever removes the job from its map
     * (here or the job's thread when it ends) releases the slot, so it is released exactly once.
     */
    private void cancel(String requestId) {
        var job = jobs.remove(requestId);
        if (job != null) {
            log.debug("request {} cancelled by the hub", requestId);
            job.cancel();
            slots.release();
        }
        var embedding = embeds.remove(requestId);
        if (embedding != null) {
            embedding.cancel();
            slots.release();
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
        var job = new InferenceJob(id, params, ollama, out, identity, r.requester() == null ? Receipt.ANONYMOUS : r.requester());
        jobs.put(id, job);
        Thread.ofVirtual().name("request-" + id).start(() -> {
            try {
                job.run();
            } finally {
                if (jobs.remove(id, job)) slots.release(); // else a cancel released it
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
        var job = new EmbedJob(r, ollama, out, identity);
        embeds.put(id, job);
        Thread.ofVirtual().name("embed-" + id).start(() -> {
            try {
                job.run();
            } finally {
                if (embeds.remove(id, job)) slots.release(); // else a cancel released it
            }
        });
    }

    /** Answers {@code inference_error} off the caller's thread; {@code why} is for the log (never content). */
    private void refuse(String id, String code, String why) {
        log.info("request {} refused ({}): {}", id, code, why);
        Thread.ofVirtual().start(() -> out.send(new NodeMessage.InferenceError(id, code), () -> true));
    }

    /** Cancels every running request. */
    void cancelAll() {
        jobs.values().forEach(InferenceJob::cancel);
        embeds.values().forEach(EmbedJob::cancel);
    }
}

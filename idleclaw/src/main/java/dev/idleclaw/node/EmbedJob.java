package dev.idleclaw.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.json.Json;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.ollama.OllamaException;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireLimits;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code embed_request}: Ollama's {@code POST /api/embed} with the request's (already bounded) fields, answered
 * with one {@code embed_result} (with a signed receipt when the node has a key) or one {@code inference_error}.
 * {@link #cancel()} interrupts the call and suppresses the answer. Logs ids, counts and timings only, never the input.
 */
final class EmbedJob {
    private static final Logger log = LoggerFactory.getLogger(EmbedJob.class);

    private final HubMessage.EmbedRequest request;
    private final OllamaClient ollama;
    private final NodeOutbox out;
    private final Identity identity;
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile boolean cancelled;
    private volatile Thread runner;

    /** {@code identity}: the node's key, which signs the receipt; null for an anonymous node (no receipt). */
    EmbedJob(HubMessage.EmbedRequest request, OllamaClient ollama, NodeOutbox out, Identity identity) {
        this.request = request;
        this.ollama = ollama;
        this.out = out;
        this.identity = identity;
    }

    /** Stops the request; nothing more is sent for it. Idempotent. */
    void cancel() {
        cancelled = true;
        Thread t = runner;
        if (t != null) t.interrupt();
    }

    /** Runs the request on the calling thread. */
    void run() {
        runner = Thread.currentThread();
        if (cancelled) return;
        if (!ollama.health()) {
            log.warn("embed request {} refused: Ollama at {} is not answering", request.requestId(), ollama.baseUrl());
            error(InferenceJob.OLLAMA_UNAVAILABLE);
            return;
        }
        long start = System.nanoTime();
        try {
            JsonNode answer = ollama.embed(body(request));
            List<float[]> vectors = vectors(answer.get("embeddings"), request.input().size());
            if (vectors == null) {
                log.warn("embed request {}: Ollama's answer has no valid embeddings", request.requestId());
                error(InferenceJob.OLLAMA_ERROR);
                return;
            }
            long tokens = Math.max(0, answer.path("prompt_eval_count").asLong(0));
            ObjectNode receipt = identity == null ? null : receipt(tokens).toJson();
            var result = new NodeMessage.EmbedResult(request.requestId(), vectors, tokens, receipt);
            if (WireCodec.encodedBytes(result) > WireLimits.MAX_EMBED_RESULT_BYTES) {
                log.info("embed request {}: the answer is over {} bytes; refused as too large", request.requestId(),
                        WireLimits.MAX_EMBED_RESULT_BYTES);
                error(InferenceJob.INVALID_REQUEST);
                return;
            }
            out.send(result, () -> !cancelled);
            log.debug("embed request {} done: {} vectors, {} ms", request.requestId(), vectors.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (OllamaException e) {
            if (cancelled) return;
            if (e.unreachable()) {
                ollama.forgetHealth();
                log.warn("embed request {} failed: {}", request.requestId(), e.getMessage());
                error(InferenceJob.OLLAMA_UNAVAILABLE);
            } else if (InferenceJob.refusedAsInvalid(e.status())) {
                log.info("embed request {} refused by Ollama ({}): the request's own fault", request.requestId(), e.status());
                error(InferenceJob.INVALID_REQUEST);
            } else {
                log.warn("embed request {} failed: {}", request.requestId(), e.getMessage());
                error(InferenceJob.OLLAMA_ERROR);
            }
        }
    }

    /**
     * The signed receipt for this request, as a chat's (lobstah-wire.md §4): {@code jobId} = the hub's request id, the
     * model as the hub asked for it, Ollama's {@code prompt_eval_count} as input tokens and no output tokens.
     */
    private SignedReceipt receipt(long inputTokens) {
        String requester = request.requester() == null ? Receipt.ANONYMOUS : request.requester();
        var r = new Receipt(Receipt.VERSION, request.requestId(), Nonces.next(), requester, identity.publicKey(),
                request.model(), inputTokens, 0, startedAtMillis, System.currentTimeMillis());
        return SignedReceipt.sign(r, identity);
    }

    /** Ollama's {@code /api/embed} body for {@code r}: only the fields the hub sent. */
    static ObjectNode body(HubMessage.EmbedRequest r) {
        ObjectNode b = Json.object().put("model", r.model());
        var input = b.putArray("input");
        r.input().forEach(input::add);
        if (r.dimensions() != null) b.put("dimensions", r.dimensions());
        if (r.truncate() != null) b.put("truncate", r.truncate());
        if (r.keepAlive() != null) b.set("keep_alive", r.keepAlive());
        if (r.options() != null) b.set("options", r.options());
        return b;
    }

    /** {@code expected} finite, non-empty, bounded vectors, or null when Ollama's answer is anything else. */
    static List<float[]> vectors(JsonNode embeddings, int expected) {
        if (embeddings == null || !embeddings.isArray() || embeddings.size() != expected) return null;
        List<float[]> out = new ArrayList<>(expected);
        for (JsonNode v : embeddings) {
            if (!v.isArray() || v.isEmpty() || v.size() > WireLimits.MAX_EMBED_DIMENSIONS) return null;
            float[] f = new float[v.size()];
            for (int i = 0; i < f.length; i++) {
                if (!v.get(i).isNumber() || !Float.isFinite(v.get(i).floatValue())) return null;
                f[i] = v.get(i).floatValue();
            }
            out.add(f);
        }
        return out;
    }

    private void error(String code) {
        out.send(new NodeMessage.InferenceError(request.requestId(), code), () -> !cancelled);
    }
}

package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.ollama.ChatCall;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.ollama.OllamaException;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireCodec;
import dev.idleclaw.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One validated {@code inference_request}: probe Ollama's health, stream {@code /api/chat} and relay each line
 * as an {@code inference_chunk}, or answer one {@code inference_error}. {@link #cancel()} (a hub
 * {@code cancel_request}, a lost connection or the end of a drain) closes the Ollama stream and suppresses
 * everything not yet sent. Logs ids, counts and timings only, never content.
 */
final class InferenceJob {
    private static final Logger log = LoggerFactory.getLogger(InferenceJob.class);

    /** Error codes of idleclaw-wire.md §4.2. */
    static final String INVALID_REQUEST = "invalid_request";
    static final String OLLAMA_UNAVAILABLE = "ollama_unavailable";
    static final String OLLAMA_ERROR = "ollama_error";


    private final String requestId;
    private final ObjectNode params;
    private final OllamaClient ollama;
    private final NodeOutbox out;
    private volatile boolean cancelled;
    private volatile ChatCall call;
    private final Identity identity;
    private final String requester;
    private final long startedAtMillis = System.currentTimeMillis();
    private int chunks;
    private long tokens;

    /** {@code params} already passed {@link RequestRules}. */
    InferenceJob(String requestId, ObjectNode params, OllamaClient ollama, NodeOutbox out, Identity identity, String requester) {
        this.requestId = requestId;
        this.identity = identity;
        this.requester = requester;
        this.params = params;
        this.ollama = ollama;
        this.out = out;
    }

    /** Stops the request: closes the Ollama stream; nothing more is sent for it. Idempotent. */
    void cancel() {
        cancelled = true;
        var c = call;
        if (c != null) c.cancel();
    }

    /** Runs the request to its end (done, error or cancel) on the calling thread. */
    void run() {
        if (cancelled) return;
        if (!ollama.health()) {
            log.warn("request {} refused: Ollama at {} is not answering", requestId, ollama.baseUrl());
            error(OLLAMA_UNAVAILABLE);
            return;
        }
        long start = System.nanoTime();
        var c = ollama.chat(params);
        call = c;
        if (cancelled) c.cancel();
        log.debug("request {} started (model {}, {} messages)", requestId, params.get("model").textValue(),
                params.get("messages").size());
        try {
            var outcome = c.stream(this::relay);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (outcome == ChatCall.Outcome.DONE) {
                log.debug("request {} done: {} chunks, {} tokens, {} ms", requestId, chunks, tokens, ms);
            } else {
                log.debug("request {} cancelled after {} chunks, {} ms", requestId, chunks, ms);
            }
        } catch (OllamaException e) {
            if (cancelled) {
                log.debug("request {} cancelled after {} chunks", requestId, chunks);
            } else if (e.unreachable()) {
                ollama.forgetHealth();
                log.warn("request {} failed: {}", requestId, e.getMessage());
                error(OLLAMA_UNAVAILABLE);
            } else if (refusedAsInvalid(e.status())) {
                log.info("request {} refused by Ollama ({}): the request's own fault", requestId, e.status());
                error(INVALID_REQUEST);
            } else {
                log.warn("request {} failed after {} chunks: {}", requestId, chunks, e.getMessage());
                error(OLLAMA_ERROR);
            }
        }
    }

    /**
     * Whether Ollama's {@code status} says the request itself was bad (a {@code format} or {@code options} it does not
     * accept): reported as {@code invalid_request}, the consumer's fault. 404 (the model is gone), 408 and 429 are
     * this node's trouble, not the request's, and stay {@code ollama_error}.
     */
    static boolean refusedAsInvalid(int status) {
        return status >= 400 && status < 500 && status != 404 && status != 408 && status != 429;
    }

    /**
     * The signed receipt for this request (lobstah-wire.md §4): {@code jobId} = the hub's request id, token counts
     * from Ollama's final line, the model as the hub asked for it.
     */
    private SignedReceipt receipt(ObjectNode last) {
        var r = new Receipt(Receipt.VERSION, requestId, Nonces.next(), requester, identity.publicKey(),
                params.path("model").asText(""), Math.max(0, last.path("prompt_eval_count").asLong(0)),
                Math.max(0, last.path("eval_count").asLong(0)), startedAtMillis, System.currentTimeMillis());
        return SignedReceipt.sign(r, identity);
    }

    /** One Ollama line → one whitelisted chunk; oversized non-final chunks are skipped. */
    private void relay(ObjectNode line) {
        ObjectNode chunk = ChunkFilter.relay(line);
        boolean done = chunk.get("done").booleanValue();
        ObjectNode receipt = done && identity != null ? receipt(line).toJson() : null;
        var message = new NodeMessage.InferenceChunk(requestId, chunk, receipt);
        long bytes = WireCodec.encodedBytes(message);
        if (bytes > WireLimits.MAX_CHUNK_BYTES) {
            if (!done) {
                log.warn("request {}: skipped a {}-byte chunk (limit {})", requestId, bytes, WireLimits.MAX_CHUNK_BYTES);
                return;
            }
            log.warn("request {}: final chunk of {} bytes sent without its message", requestId, bytes);
            message = new NodeMessage.InferenceChunk(requestId, ChunkFilter.withoutPayload(chunk), receipt);
        }
        if (out.send(message, () -> !cancelled)) chunks++;
        if (done) tokens = line.path("eval_count").asLong(0);
    }

    /** Sends {@code inference_error} with {@code code} for {@code requestId} (not after a cancel). */
    private void error(String code) {
        out.send(new NodeMessage.InferenceError(requestId, code), () -> !cancelled);
    }
}

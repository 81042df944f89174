package dev.idleclaw.bench.fleet;

import dev.idleclaw.bench.nio.Loop;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams every answer of the fleet with timers on its {@link Loop}: chunk {@code i} of a request is due
 * {@code (i+1)·D} ms after the request arrived (as the stand-in Ollama sleeps before each token), the final chunk
 * right after the last token (with its signed receipt when the node authenticates: one signature per request, none
 * per token). No thread per request; a cancel just stops the next step. Loop thread only.
 */
final class Streamer {
    private final Loop loop;
    private final Map<String, Stream> live = new HashMap<>();
    private final int tokens;
    private final long delayNanos;
    /** Written by the loop thread only, read by the status printer. */
    volatile long requests, chunks, cancelled, receipts;
    volatile int streaming;

    /** One answer in progress. */
    private final class Stream {
        final FleetNode node;
        final String id;
        final byte[] idBytes;
        final int promptTokens;
        /** For the receipt of an authenticated node: who asked (null = anonymous) and for which model. */
        final String requester, model;
        final long startNanos = System.nanoTime(), startMillis = System.currentTimeMillis();
        int sent;
        boolean stopped;

        Stream(FleetNode node, String id, int promptTokens, String requester, String model) {
            this.node = node;
            this.id = id;
            this.idBytes = id.getBytes(StandardCharsets.UTF_8);
            this.promptTokens = promptTokens;
            this.requester = requester;
            this.model = model;
        }

        void step() {
            if (stopped || !node.open()) {
                drop(this);
                return;
            }
            if (delayNanos == 0) {
                while (sent < tokens) send(this);
            } else if (sent < tokens) {
                send(this);
            }
            if (sent < tokens) loop.schedule(startNanos + (sent + 1) * delayNanos - System.nanoTime(), this::step);
            else finish(this);
        }
    }

    Streamer(Loop loop, int tokens, long delayMillis) {
        this.loop = loop;
        this.tokens = tokens;
        this.delayNanos = delayMillis * 1_000_000;
    }

    void start(FleetNode node, String requestId, int promptTokens, String requester, String model) {
        if (requestId == null || live.containsKey(requestId)) return;
        var s = new Stream(node, requestId, promptTokens, requester, model);
        live.put(requestId, s);
        streaming = live.size();
        requests++;
        node.active++;
        if (delayNanos == 0) s.step();
        else loop.schedule(delayNanos, s::step);
    }

    /** The hub stopped consuming {@code requestId}: send nothing more for it (unknown ids are a no-op). */
    void cancel(String requestId) {
        Stream s = requestId == null ? null : live.get(requestId);
        if (s == null) return;
        s.stopped = true;
        drop(s);
        cancelled++;
    }

    private void send(Stream s) {
        s.node.send(Frames.CHUNK_HEAD, s.idBytes, Frames.CHUNK_TAIL);
        s.sent++;
        chunks++;
    }

    /** The final chunk; an authenticated node signs its receipt here, with exactly the counts the chunk reports. */
    private void finish(Stream s) {
        String receipt = null;
        if (s.node.signer != null) {
            receipt = s.node.signer.receipt(s.id, s.requester, s.model == null ? "" : s.model, s.promptTokens, tokens, s.startMillis);
            receipts++;
        }
        s.node.send(Frames.done(s.id, tokens, s.promptTokens, System.nanoTime() - s.startNanos, receipt));
        drop(s);
    }

    private void drop(Stream s) {
        if (live.remove(s.id, s)) {
            s.node.active--;
            streaming = live.size();
        }
    }
}

package dev.idleclaw.testkit;

import dev.idleclaw.testkit.Chunks.Metrics;
import dev.idleclaw.testkit.Chunks.Piece;
import java.util.ArrayList;
import java.util.List;

/** Plays one {@link Behaviour} for one validated request: streamed NDJSON or a single object, or a failure. */
final class Generation {
    /** Simulated load time of an already-loaded model (1 ms), so load_duration is never 0. */
    private static final long LOAD_NANOS = 1_000_000;
    /** Simulated prompt evaluation speed (0.1 ms per prompt token). */
    private static final long PROMPT_NANOS_PER_TOKEN = 100_000;
    /** Characters per prompt token for the default prompt_eval_count (the usual rule of thumb). */
    private static final int CHARS_PER_TOKEN = 4;

    /** Characters per piece of a text tool call: small, so tags are split across chunks as a real model's are. */
    private static final int TEXT_PIECE = 5;

    private enum Kind { HANG, ERROR, DROP }

    /** The failure that replaces the rest of the reply after {@code after} chunks. */
    private record Failure(Kind kind, int after) {}

    private final Exchange exchange;
    private final Replies replies;
    private final InferenceRequest request;
    private final Behaviour behaviour;
    private final StandInModel model;
    private final long hardware;
    private final Chunks chunks;
    private final long start = System.nanoTime();
    private Integer claimed;

    /**
     * {@code exchange} paces and fails the reply; {@code replies} receives its native chunks; {@code model} and
     * {@code hardware} (the stand-in's {@link StandInOllama#hardwareSeed}) feed a generative behaviour.
     */
    Generation(Exchange exchange, Replies replies, InferenceRequest request, Behaviour behaviour, StandInModel model,
               long hardware) {
        this.exchange = exchange;
        this.replies = replies;
        this.request = request;
        this.behaviour = behaviour;
        this.model = model;
        this.hardware = hardware;
        this.chunks = new Chunks(request, behaviour.legacyToolShape());
    }

    void run() {
        var toolMode = request.hasTools() && !behaviour.toolCalls().isEmpty();
        var pieces = new ArrayList<Piece>();
        if (request.think()) behaviour.thinking().forEach(t -> pieces.add(Piece.thinking(t)));
        var limit = request.numPredict() != null && request.numPredict() > 0 ? request.numPredict() : Integer.MAX_VALUE;
        var reason = "stop";
        var round = request.chat() && request.toolRound() < behaviour.toolRounds().size()
                ? behaviour.toolRounds().get(request.toolRound()) : null;
        if (round != null && request.hasTools()) {
            pieces.add(Piece.tools(round));
        } else if (round != null) {
            textCalls(round).forEach(t -> pieces.add(Piece.content(t)));
        } else if (toolMode) {
            pieces.add(Piece.tools(behaviour.toolCalls()));
        } else if (behaviour.generative() != null) {
            var answer = StandInText.write(behaviour.generative(), model, hardware, request.prompt(), request.numPredict());
            if (answer.length()) reason = "length";
            claimed = answer.claimed();
            var words = answer.words();
            for (int i = 0; i < words.size(); i++) pieces.add(Piece.content(i == 0 ? words.get(i) : " " + words.get(i)));
        } else {
            var tokens = behaviour.tokens();
            if (tokens.size() >= limit) reason = "length";
            tokens.stream().limit(limit).forEach(t -> pieces.add(Piece.content(t)));
        }
        var failure = failure(pieces.size());
        if (request.stream()) stream(pieces, reason, failure);
        else single(pieces, reason, failure);
    }

    /** Tool calls as a model without native tool calling writes them, in pieces of a few characters. */
    private static List<String> textCalls(List<Behaviour.ToolCall> calls) {
        var text = new StringBuilder("Let me check. ");
        for (var c : calls) {
            var call = Wire.object().put("name", c.name());
            call.set("arguments", c.arguments());
            text.append("<tool_call>").append(call).append("</tool_call>");
        }
        var out = new ArrayList<String>();
        for (int i = 0; i < text.length(); i += TEXT_PIECE) out.add(text.substring(i, Math.min(text.length(), i + TEXT_PIECE)));
        return out;
    }

    private void stream(List<Piece> pieces, String reason, Failure failure) {
        var sent = failure == null ? pieces.size() : failure.after();
        if (failure != null && sent == 0 && failure.kind() != Kind.HANG) {
            fail(failure.kind()); // nothing written yet: a real status, or a bare close
            return;
        }
        replies.startStream();
        for (int i = 0; i < sent; i++) {
            exchange.pause(behaviour.delayPerToken());
            replies.writeLine(chunks.piece(pieces.get(i)));
        }
        if (failure == null) replies.writeLine(chunks.done(reason, metrics(pieces)));
        else if (failure.kind() == Kind.ERROR) replies.writeLine(Wire.error(behaviour.errorMessage()));
        else fail(failure.kind());
    }

    private void single(List<Piece> pieces, String reason, Failure failure) {
        var generated = failure == null ? pieces.size() : failure.after();
        for (int i = 0; i < generated; i++) exchange.pause(behaviour.delayPerToken());
        if (failure == null) replies.json(200, chunks.aggregate(pieces, reason, metrics(pieces)));
        else fail(failure.kind());
    }

    /** A failure with nothing or only chunks written so far: Ollama's non-streamed errors are 500s. */
    private void fail(Kind kind) {
        switch (kind) {
            case HANG -> exchange.awaitClientClose();
            case ERROR -> replies.json(500, Wire.error(behaviour.errorMessage()));
            case DROP -> exchange.drop();
        }
    }

    private Failure failure(int chunkCount) {
        Failure first = null;
        for (var candidate : List.of(
                new Failure(Kind.HANG, orMax(behaviour.hangAfter())),
                new Failure(Kind.ERROR, orMax(behaviour.errorAfter())),
                new Failure(Kind.DROP, orMax(behaviour.dropAfter())))) {
            if (candidate.after() != Integer.MAX_VALUE && (first == null || candidate.after() < first.after())) {
                first = candidate;
            }
        }
        return first == null ? null : new Failure(first.kind(), Math.min(first.after(), chunkCount));
    }

    private static int orMax(Integer value) { return value == null ? Integer.MAX_VALUE : value; }

    private Metrics metrics(List<Piece> pieces) {
        var generated = pieces.stream().mapToInt(p -> Math.max(1, p.toolCalls().size())).sum();
        var evalCount = behaviour.evalCount() != null ? behaviour.evalCount() : claimed != null ? claimed : generated;
        var promptCount = behaviour.promptEvalCount() != null ? behaviour.promptEvalCount()
                : Math.max(1, (request.inputChars() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
        var eval = Math.max(1, System.nanoTime() - start);
        var promptEval = promptCount * PROMPT_NANOS_PER_TOKEN;
        return new Metrics(LOAD_NANOS + promptEval + eval, LOAD_NANOS, promptCount, promptEval, evalCount, eval);
    }
}

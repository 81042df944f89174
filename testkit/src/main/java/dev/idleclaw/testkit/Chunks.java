package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.testkit.Behaviour.ToolCall;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** Builds reply objects in Go struct key order, for chat ({@code message}) or generate ({@code response}). */
final class Chunks {
    /** Alphabet of Ollama tool-call ids: {@code call_} + 8 of these. */
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 8;
    /** Cap on the synthetic {@code context} array of /api/generate: enough to look real, small enough to read. */
    private static final int MAX_CONTEXT = 64;

    private final InferenceRequest request;
    private final boolean legacyToolShape;

    Chunks(InferenceRequest request, boolean legacyToolShape) {
        this.request = request;
        this.legacyToolShape = legacyToolShape;
    }

    /** One generated piece: content text, a thinking text, or the tool calls. */
    record Piece(String content, String thinking, List<ToolCall> toolCalls) {
        static Piece content(String text) { return new Piece(text, null, List.of()); }
        static Piece thinking(String text) { return new Piece("", text, List.of()); }
        static Piece tools(List<ToolCall> calls) { return new Piece("", null, calls); }
    }

    /** The six metrics of a final chunk. */
    record Metrics(long total, long load, int promptEvalCount, long promptEval, int evalCount, long eval) {}

    /** The single reply to a request without input: {@code done_reason} "load" or "unload". */
    static ObjectNode loaded(InferenceRequest request) {
        var node = head(request);
        if (request.chat()) node.set("message", message("", null, List.of(), false));
        else node.put("response", "");
        return node.put("done", true).put("done_reason", request.unload() ? "unload" : "load");
    }

    ObjectNode piece(Piece piece) {
        return body(piece.content(), piece.thinking(), piece.toolCalls()).put("done", false);
    }

    ObjectNode done(String reason, Metrics metrics) {
        return finish(body("", null, List.of()), reason, metrics);
    }

    /** The non-streaming reply: content and thinking concatenated, tool calls collected, final metadata. */
    ObjectNode aggregate(List<Piece> pieces, String reason, Metrics metrics) {
        var content = pieces.stream().map(Piece::content).collect(Collectors.joining());
        var thoughts = pieces.stream().map(Piece::thinking).filter(t -> t != null).toList();
        var calls = pieces.stream().flatMap(p -> p.toolCalls().stream()).toList();
        return finish(body(content, thoughts.isEmpty() ? null : String.join("", thoughts), calls), reason, metrics);
    }

    private ObjectNode body(String content, String thinking, List<ToolCall> calls) {
        var node = head(request);
        if (request.chat()) {
            node.set("message", message(content, thinking, calls, legacyToolShape));
        } else {
            node.put("response", content);
            if (thinking != null) node.put("thinking", thinking);
        }
        return node;
    }

    private ObjectNode finish(ObjectNode node, String reason, Metrics m) {
        node.put("done", true).put("done_reason", reason);
        if (!request.chat()) {
            var context = node.putArray("context");
            for (int i = 0; i < Math.min(MAX_CONTEXT, m.promptEvalCount() + m.evalCount()); i++) context.add(i + 1);
        }
        return node.put("total_duration", m.total()).put("load_duration", m.load())
                .put("prompt_eval_count", m.promptEvalCount()).put("prompt_eval_duration", m.promptEval())
                .put("eval_count", m.evalCount()).put("eval_duration", m.eval());
    }

    private static ObjectNode head(InferenceRequest request) {
        return Wire.object().put("model", request.model()).put("created_at", Wire.createdAt());
    }

    private static ObjectNode message(String content, String thinking, List<ToolCall> calls, boolean legacy) {
        var message = Wire.object().put("role", "assistant").put("content", content);
        if (thinking != null) message.put("thinking", thinking);
        if (!calls.isEmpty()) message.set("tool_calls", toolCalls(calls, legacy));
        return message;
    }

    /** Only {@code id} and {@code function{index,name,arguments}}; legacy: no id, index omitted when 0. */
    private static ArrayNode toolCalls(List<ToolCall> calls, boolean legacy) {
        var array = Wire.MAPPER.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            var call = array.addObject();
            if (!legacy) call.put("id", newId());
            var function = call.putObject("function");
            if (!legacy || i > 0) function.put("index", i);
            function.put("name", calls.get(i).name()).set("arguments", calls.get(i).arguments().deepCopy());
        }
        return array;
    }

    private static String newId() {
        var random = ThreadLocalRandom.current();
        var id = new StringBuilder("call_");
        for (int i = 0; i < ID_LENGTH; i++) id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        return id.toString();
    }
}

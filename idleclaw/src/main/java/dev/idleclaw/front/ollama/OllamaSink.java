package dev.idleclaw.front.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.json.Json;
import dev.idleclaw.tools.Source;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an answer in Ollama's native shape: NDJSON lines flushed one by one (or, without streaming, one JSON object),
 * for {@code /api/chat} ({@code message}) or {@code /api/generate} ({@code response}). Headers are committed with the
 * first line, so failures before it get a real status; failures after it get one {@code {"error":…}} line and no
 * {@code done:true} (ollama-api.md §12).
 */
final class OllamaSink extends DoorSink {
    static final String BUSY = "server busy, please try again.  maximum pending requests exceeded";

    private final boolean generate;
    /** The start of every streamed line, up to the timestamp. */
    private final String linePrefix;
    private final long startNanos = System.nanoTime();
    private final StringBuilder content = new StringBuilder(), thinking = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private int toolIndex;
    /** The consumer asked for tool status lines and sources ({@code X-IdleClaw-Tools: web}); plain Ollama gets neither. */
    private final boolean toolNotes;
    /** The server-side tool running now, or null. */
    private String runningTool;
    /** The answer's sources once its last run ended, or null when it was offered no tools. */
    private List<Source> sources;

    OllamaSink(HttpServletResponse response, String model, boolean stream, boolean generate) {
        this(response, model, stream, generate, false);
    }

    OllamaSink(HttpServletResponse response, String model, boolean stream, boolean generate, boolean toolNotes) {
        super(response, model, stream);
        this.generate = generate;
        this.toolNotes = toolNotes;
        this.linePrefix = "{\"model\":" + Json.quote(model) + ",\"created_at\":";
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        switch (why.refusal) {
            case NO_MODEL -> error(404, "model '" + model + "' not found");
            case BUSY -> {
                retryAfter(why);
                error(503, BUSY);
            }
            case SHUTTING_DOWN -> error(503, "server is shutting down, please try again");
        }
    }

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        List<ToolCall> normalised = new ArrayList<>(c.toolCalls().size());
        for (ToolCall tc : c.toolCalls()) normalised.add(normalise(tc));
        if (!stream) {
            content.append(c.content());
            thinking.append(c.thinking());
            calls.addAll(normalised);
            return true;
        }
        if (normalised.isEmpty()) textLine(c.content(), c.thinking());
        else line(body(c.content(), c.thinking(), normalised, false));
        return true;
    }

    /**
     * A streamed line without tool calls, written straight as text: the same bytes {@link #body} gives (same keys,
     * same order, the same string escaping as {@link Json#write}), without a tree per token.
     */
    private void textLine(String text, String thought) throws IOException {
        var sb = new StringBuilder(linePrefix.length() + text.length() + thought.length() + 96).append(linePrefix)
                .append(Json.quote(Rfc3339.utc(Instant.now())));
        sb.append(generate ? ",\"response\":" : ",\"message\":{\"role\":\"assistant\",\"content\":").append(Json.quote(text));
        if (!thought.isEmpty()) sb.append(",\"thinking\":").append(Json.quote(thought));
        sb.append(generate ? ",\"done\":false}\n" : "},\"done\":false}\n");
        commit(200, "application/x-ndjson");
        write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** With {@link #toolNotes}, a streamed line without {@code message}: {@code "tool_call":{"name","status"}}. */
    @Override
    public void toolStatus(String tool, String status) throws IOException {
        if (!toolNotes) return;
        runningTool = "executing".equals(status) ? tool : null;
        if (!stream) return;
        ObjectNode o = Json.object().put("model", model).put("created_at", Rfc3339.utc(Instant.now()));
        o.putObject("tool_call").put("name", tool).put("status", status);
        line(o.put("done", false));
    }

    @Override
    public void sources(List<Source> used) {
        if (toolNotes) sources = used;
    }

    /**
     * NDJSON has no comment syntax, and an empty line breaks some clients: silent, except that a consumer who asked for
     * tool status lines gets the running tool's again.
     */
    @Override
    public void keepAlive() throws IOException {
        if (runningTool != null) toolStatus(runningTool, "executing");
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        if (!stream) receiptHeader();
        ObjectNode last = stream ? body("", "", List.of(), true) : body(content.toString(), thinking.toString(), calls, true);
        last.put("done_reason", end.doneReason());
        ChatEnd.Metrics m = end.metrics();
        // Nodes that forward no metrics (original IdleClaw nodes): our clock for the total, zero for the rest.
        last.put("total_duration", m == null ? System.nanoTime() - startNanos : m.totalDuration())
                .put("load_duration", m == null ? 0 : m.loadDuration())
                .put("prompt_eval_count", m == null ? 0 : m.promptEvalCount())
                .put("prompt_eval_duration", m == null ? 0 : m.promptEvalDuration())
                .put("eval_count", m == null ? 0 : m.evalCount())
                .put("eval_duration", m == null ? 0 : m.evalDuration());
        if (sources != null) {
            var list = last.putArray("sources");
            sources.forEach(src -> list.addObject().put("title", src.title()).put("url", src.url()));
        }
        if (receipt() != null) last.put("receipt", receipt());
        line(last);
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        line(Json.object().put("error", text));
    }

    private ObjectNode body(String text, String thought, List<ToolCall> toolCalls, boolean done) {
        ObjectNode o = Json.object().put("model", model).put("created_at", Rfc3339.utc(Instant.now()));
        if (generate) {
            o.put("response", text);
            if (!thought.isEmpty()) o.put("thinking", thought);
        } else {
            ObjectNode msg = o.putObject("message").put("role", "assistant").put("content", text);
            if (!thought.isEmpty()) msg.put("thinking", thought);
            if (!toolCalls.isEmpty()) {
                var arr = msg.putArray("tool_calls");
                toolCalls.forEach(tc -> arr.add(OllamaJson.toolCall(tc)));
            }
        }
        return o.put("done", done);
    }

    /** Only {@code id} and {@code function{index,name,arguments}}, with an id and index even from old Ollama nodes. */
    private ToolCall normalise(ToolCall tc) {
        int index = tc.index() != null ? tc.index() : toolIndex;
        toolIndex = index + 1;
        return new ToolCall(tc.id() != null ? tc.id() : ToolCallIds.next(), index, tc.name(), tc.arguments());
    }

    private void line(ObjectNode o) throws IOException {
        commit(200, stream ? "application/x-ndjson" : "application/json; charset=utf-8");
        write((Json.write(o) + (stream ? "\n" : "")).getBytes(StandardCharsets.UTF_8));
    }

    /** Ollama's {@code {"error":…}}, sized, with the serving node's header like any answer. */
    @Override
    protected void error(int status, String message) throws IOException {
        ollamaError(status, message);
    }

    /** Ollama sends no cache header, streamed or not. */
    @Override
    protected void streamHeaders() {}
}

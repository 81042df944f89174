package dev.idleclaw.front.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.front.Headers;
import dev.idleclaw.front.ollama.ToolCallIds;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes an answer as a Chat Completion: SSE {@code chat.completion.chunk} events (role first, content, reasoning,
 * whole tool calls, one finish chunk, optional usage chunk, {@code [DONE]}) or one {@code chat.completion} object.
 * A failure after the first event is one {@code error} event and the end of the stream, with no finish chunk and no
 * {@code [DONE]}, so every client can tell a cut-off answer from a finished one (openai-api.md §6).
 */
final class OpenAiSink extends DoorSink {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String id = CompletionIds.next();
    private final boolean includeUsage;
    private final long created = System.currentTimeMillis() / 1000;
    /** Every streamed event up to its delta's first key: {@link #envelope} and the choice, as text. */
    private final String eventPrefix;
    private final StringBuilder content = new StringBuilder(), reasoning = new StringBuilder();
    private final ArrayNode toolCalls = Json.array();
    private boolean roleSent;

    OpenAiSink(HttpServletResponse response, String model, boolean stream, boolean includeUsage) {
        super(response, model, stream);
        this.includeUsage = includeUsage;
        this.eventPrefix = "data: {\"id\":" + Json.quote(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + Json.quote(model) + ",\"system_fingerprint\":\"fp_idleclaw\",\"choices\":[{\"index\":0,\"delta\":{";
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        switch (why.refusal) {
            case NO_MODEL -> {
                response.setHeader(Headers.SHOULD_RETRY, "false");
                OpenAiDoor.error(response, 404, "model '" + model + "' not found", "model_not_found");
            }
            case BUSY -> {
                retryAfter(why);
                error(503, "all nodes serving '" + model + "' are busy, please try again");
            }
            case SHUTTING_DOWN -> error(503, "the hub is shutting down, please try again");
        }
    }

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        ArrayNode calls = Json.array();
        for (ToolCall tc : c.toolCalls()) calls.add(toolCall(tc, toolCalls.size() + calls.size()));
        toolCalls.addAll(calls);
        if (!stream) {
            content.append(c.content());
            reasoning.append(c.thinking());
            return true;
        }
        if (!c.thinking().isEmpty()) textEvent("reasoning", c.thinking());
        if (!c.content().isEmpty()) textEvent("content", c.content());
        if (!calls.isEmpty()) {
            ObjectNode d = delta();
            if (!d.has("content")) d.putNull("content");
            d.set("tool_calls", calls);
            event(d, null);
        }
        return true;
    }

    @Override
    public void keepAlive() throws IOException {
        if (stream && committed()) write(KEEP_ALIVE);
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        String finish = !toolCalls.isEmpty() ? "tool_calls" : "length".equals(end.doneReason()) ? "length" : "stop";
        ObjectNode usage = usage(end.metrics());
        if (!stream) {
            receiptHeader();
            commit(200, "application/json");
            ObjectNode o = Json.object().put("id", id).put("object", "chat.completion").put("created", created)
                    .put("model", model).put("system_fingerprint", "fp_idleclaw");
            ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
            ObjectNode msg = choice.putObject("message").put("role", "assistant");
            if (content.isEmpty() && !toolCalls.isEmpty()) msg.putNull("content");
            else msg.put("content", content.toString());
            msg.putNull("refusal");
            if (!reasoning.isEmpty()) msg.put("reasoning", reasoning.toString());
            if (!toolCalls.isEmpty()) {
                // A message's tool calls have no index (that key belongs to streamed deltas only).
                var calls = msg.putArray("tool_calls");
                toolCalls.forEach(tc -> calls.add(((ObjectNode) tc.deepCopy()).without("index")));
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", finish);
            o.set("usage", usage);
            write(Json.write(o).getBytes(StandardCharsets.UTF_8));
            return;
        }
        event(delta(), finish);
        if (includeUsage) {
            ObjectNode u = envelope();
            u.putArray("choices");
            u.set("usage", usage);
            write(("data: " + Json.write(u) + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        // Lobstah's placement: an SSE comment right before [DONE], LF-only (lobstah-wire.md §4, §11a).
        receiptComment("\n");
        write(DONE);
    }

    @Override
    protected void error(int status, String text) throws IOException {
        OpenAiDoor.error(response, status, text, null);
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        ObjectNode err = Json.object();
        err.putObject("error").put("message", text).put("type", "api_error").putNull("param").putNull("code");
        write(("data: " + Json.write(err) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A peer's OpenAI-shaped error object is passed on whole (Lobstah's 402 names the credit left); else its text. */
    @Override
    protected void refuse(int status, String message, JsonNode body) throws IOException {
        if (body instanceof ObjectNode o && o.path("error").isObject() && o.path("error").path("message").isTextual()) {
            OpenAiDoor.write(response, status, o);
        } else {
            super.refuse(status, message, body);
        }
    }

    private ObjectNode delta() {
        ObjectNode d = Json.object();
        if (!roleSent) {
            d.put("role", "assistant");
            roleSent = true;
        }
        return d;
    }

    private ObjectNode envelope() {
        return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
                .put("system_fingerprint", "fp_idleclaw");
    }

    /**
     * A {@code reasoning} or {@code content} delta written straight as text: the same bytes {@link #event} gives for
     * {@code delta().put(field, text)} (same keys, same order, the same string escaping as {@link Json#write}).
     */
    private void textEvent(String field, String text) throws IOException {
        var sb = new StringBuilder(eventPrefix.length() + text.length() + 96).append(eventPrefix);
        if (!roleSent) {
            sb.append("\"role\":\"assistant\",");
            roleSent = true;
        }
        sb.append('"').append(field).append("\":").append(Json.quote(text)).append("},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        commit(200, "text/event-stream");
        write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void event(ObjectNode delta, String finish) throws IOException {
        ObjectNode o = envelope();
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finish);
        commit(200, "text/event-stream");
        write(("data: " + Json.write(o) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode toolCall(ToolCall tc, int position) {
        ObjectNode o = Json.object().put("index", tc.index() != null ? tc.index() : position)
                .put("id", tc.id() != null ? tc.id() : ToolCallIds.next()).put("type", "function");
        o.putObject("function").put("name", tc.name()).put("arguments", Json.write(tc.arguments()));
        return o;
    }

    private static ObjectNode usage(ChatEnd.Metrics m) {
        long prompt = m == null ? 0 : m.promptEvalCount(), completion = m == null ? 0 : m.evalCount();
        return Json.object().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }
}

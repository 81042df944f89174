package dev.idleclaw.front.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.hub.ChatSink;
import dev.idleclaw.hub.Scheduler;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes an answer as a Responses API {@code response} object, or as its typed SSE events ({@code event: <type>} and
 * {@code data: {"type", "sequence_number", …}}): {@code response.created}, {@code response.in_progress}, the items'
 * events (see {@link ResponseOutput}), then {@code response.completed} (or {@code response.incomplete} when the
 * token budget ran out). Nothing is sent before the first piece of the answer, so a node failing before it still
 * fails over. A failure after that is one {@code response.failed} event and the end of the stream.
 */
final class ResponsesSink implements ChatSink {
    /** Where a non-streamed answer carries its receipt (lobstah-wire.md §4). */
    static final String RECEIPT_HEADER = "x-lobstah-receipt";
    /** The queue position a request had when it had to wait, sent with the answer's headers (as the OpenAI door). */
    static final String QUEUE_POSITION_HEADER = "X-IdleClaw-Queue-Position";
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private final String model, id = ResponseIds.next("resp");
    private final boolean stream;
    private final ObjectNode echo;
    private final long createdAt = System.currentTimeMillis() / 1000;
    private final ResponseOutput output = new ResponseOutput(this::emit);
    private String node, receipt;
    private boolean committed;
    private int sequence;

    ResponsesSink(HttpServletResponse response, String model, boolean stream, ObjectNode echo) {
        this.response = response;
        this.model = model;
        this.stream = stream;
        this.echo = echo;
    }

    @Override
    public void servedBy(String nodeLabel) {
        node = nodeLabel;
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        switch (why.refusal) {
            case NO_MODEL -> OpenAiDoor.error(response, 404, "model '" + model + "' not found", "model_not_found");
            case BUSY -> {
                response.setHeader("Retry-After", Long.toString(why.retryAfterSeconds));
                OpenAiDoor.error(response, 503, "all nodes serving '" + model + "' are busy, please try again", null);
            }
            case SHUTTING_DOWN -> OpenAiDoor.error(response, 503, "the hub is shutting down, please try again", null);
        }
    }

    @Override
    public void queued(int position) {
        if (!response.isCommitted()) response.setHeader(QUEUE_POSITION_HEADER, Integer.toString(position));
    }

    @Override
    public void start() {}

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        output.thinking(c.thinking());
        output.content(c.content());
        for (ToolCall tc : c.toolCalls()) output.toolCall(tc);
        return true;
    }

    @Override
    public void keepAlive() throws IOException {
        if (stream && committed) write(KEEP_ALIVE);
    }

    @Override
    public void receipt(String base64) {
        receipt = base64;
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        ArrayNode items = output.finish();
        boolean cutShort = "length".equals(end.doneReason());
        ObjectNode body = response(cutShort ? "incomplete" : "completed", items);
        if (cutShort) body.putObject("incomplete_details").put("reason", "max_output_tokens");
        body.set("usage", usage(end.metrics()));
        if (!stream) {
            if (receipt != null) response.setHeader(RECEIPT_HEADER, receipt);
            commit("application/json");
            write(Json.write(body).getBytes(StandardCharsets.UTF_8));
            return;
        }
        // Lobstah's placement: an SSE comment right before the final event, LF-only (lobstah-wire.md §4).
        started();
        if (receipt != null) write((":lobstah-receipt:" + receipt + "\n\n").getBytes(StandardCharsets.US_ASCII));
        emit(cutShort ? "response.incomplete" : "response.completed", Json.object().set("response", body));
    }

    @Override
    public void cut(Cut why) throws IOException {
        fail(Failure.TIMEOUT, node);
    }

    @Override
    public void fail(Failure why, String nodeId) throws IOException {
        String text = FailureText.of(why, node);
        if (!committed) {
            OpenAiDoor.error(response, FailureText.status(why), text, null);
            committed = true;
            return;
        }
        ObjectNode body = response("failed", output.items());
        body.putObject("error").put("code", "server_error").put("message", text);
        emit("response.failed", Json.object().set("response", body));
    }

    @Override
    public void refused(int status, String message, JsonNode body) throws IOException {
        committed = true;
        JsonNode peer = body == null ? null : body.path("error").path("message");
        String text = peer != null && peer.isTextual() ? peer.textValue() : message != null ? message : FailureText.refused(status);
        OpenAiDoor.error(response, status, text, body == null ? null : body.path("error").path("code").asText(null));
    }

    @Override
    public boolean hasOutput() {
        return committed;
    }

    /** The response object with {@code status} and {@code items}; usage and details are the caller's to set. */
    private ObjectNode response(String status, ArrayNode items) {
        ObjectNode r = Json.object().put("id", id).put("object", "response").put("created_at", createdAt).put("status", status)
                .put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("instructions", echo.get("instructions"));
        r.set("max_output_tokens", echo.get("max_output_tokens"));
        r.put("model", model);
        r.set("output", items);
        r.set("parallel_tool_calls", echo.get("parallel_tool_calls"));
        r.putNull("previous_response_id");
        r.set("reasoning", echo.get("reasoning"));
        r.put("store", false);
        for (String k : new String[] {"temperature", "text", "tool_choice", "tools", "top_p"}) r.set(k, echo.get(k));
        r.put("truncation", "disabled");
        r.putNull("usage");
        r.set("metadata", echo.get("metadata"));
        return r;
    }

    private static ObjectNode usage(ChatEnd.Metrics m) {
        long in = m == null ? 0 : m.promptEvalCount(), out = m == null ? 0 : m.evalCount();
        ObjectNode u = Json.object().put("input_tokens", in);
        u.putObject("input_tokens_details").put("cached_tokens", 0).put("cache_write_tokens", 0);
        u.put("output_tokens", out);
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        return u.put("total_tokens", in + out);
    }

    /** Sends {@code response.created} and {@code response.in_progress} once, before the first other event. */
    private void started() throws IOException {
        if (committed) return;
        commit("text/event-stream");
        ObjectNode r = response("in_progress", Json.array());
        send("response.created", Json.object().set("response", r));
        send("response.in_progress", Json.object().set("response", r));
    }

    private void emit(String type, ObjectNode fields) throws IOException {
        if (!stream) return;
        started();
        send(type, fields);
    }

    private void send(String type, ObjectNode fields) throws IOException {
        ObjectNode o = Json.object().put("type", type).put("sequence_number", sequence++);
        o.setAll(fields);
        write(("event: " + type + "\ndata: " + Json.write(o) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private void commit(String type) {
        if (committed) return;
        committed = true;
        response.setStatus(200);
        response.setContentType(type);
        if (stream) response.setHeader("Cache-Control", "no-cache");
        if (node != null) response.setHeader("X-IdleClaw-Node", node);
    }

    private void write(byte[] bytes) throws IOException {
        response.getOutputStream().write(bytes);
    }

    @Override
    public void flush() throws IOException {
        if (committed) response.getOutputStream().flush();
    }
}

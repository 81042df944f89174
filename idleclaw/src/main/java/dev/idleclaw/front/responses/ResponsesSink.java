package dev.idleclaw.front.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.registry.Scheduler;
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
final class ResponsesSink extends DoorSink {
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String id = ResponseIds.next("resp");
    private final ObjectNode echo;
    private final long createdAt = System.currentTimeMillis() / 1000;
    private final ResponseOutput output = new ResponseOutput(this::emit);
    private int sequence;

    ResponsesSink(HttpServletResponse response, String model, boolean stream, ObjectNode echo) {
        super(response, model, stream);
        this.echo = echo;
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        switch (why.refusal) {
            case NO_MODEL -> OpenAiDoor.error(response, 404, "model '" + model + "' not found", "model_not_found");
            case BUSY -> {
                retryAfter(why);
                error(503, "all nodes serving '" + model + "' are busy, please try again");
            }
            case SHUTTING_DOWN -> error(503, "the hub is shutting down, please try again");
        }
    }

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        output.thinking(c.thinking());
        output.content(c.content());
        for (ToolCall tc : c.toolCalls()) output.toolCall(tc);
        return true;
    }

    @Override
    public void keepAlive() throws IOException {
        if (stream && committed()) write(KEEP_ALIVE);
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        ArrayNode items = output.finish();
        boolean cutShort = "length".equals(end.doneReason());
        ObjectNode body = response(cutShort ? "incomplete" : "completed", items);
        if (cutShort) body.putObject("incomplete_details").put("reason", "max_output_tokens");
        body.set("usage", usage(end.metrics()));
        if (!stream) {
            receiptHeader();
            commit(200, "application/json");
            write(Json.write(body).getBytes(StandardCharsets.UTF_8));
            return;
        }
        // Lobstah's placement: an SSE comment right before the final event, LF-only (lobstah-wire.md §4).
        started();
        receiptComment("\n");
        emit(cutShort ? "response.incomplete" : "response.completed", Json.object().set("response", body));
    }

    @Override
    protected void error(int status, String text) throws IOException {
        OpenAiDoor.error(response, status, text, null);
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        ObjectNode body = response("failed", output.items());
        body.putObject("error").put("code", "server_error").put("message", text);
        emit("response.failed", Json.object().set("response", body));
    }

    @Override
    protected void refuse(int status, String message, JsonNode body) throws IOException {
        JsonNode peer = body == null ? null : body.path("error").path("message");
        String text = peer != null && peer.isTextual() ? peer.textValue() : message != null ? message : FailureText.refused(status);
        OpenAiDoor.error(response, status, text, body == null ? null : body.path("error").path("code").asText(null));
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
        if (committed()) return;
        commit(200, "text/event-stream");
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
}

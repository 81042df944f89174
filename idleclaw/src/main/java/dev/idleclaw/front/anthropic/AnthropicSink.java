package dev.idleclaw.front.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Writes an answer as an Anthropic message: one {@code message} object, or the SSE events {@code message_start},
 * {@code ping}, per block {@code content_block_start} / {@code content_block_delta} / {@code content_block_stop}
 * (thinking, text and tool_use blocks in the order the model produced them), {@code message_delta} and
 * {@code message_stop}. Nothing is sent before the first piece of the answer, so a node that fails early is failed
 * over; a failure after that is one {@code event: error} and the end of the stream, without {@code message_stop}.
 */
final class AnthropicSink extends DoorSink {
    /** 18 random bytes: 144 bits, collision-free at any realistic volume. */
    private static final int ID_BYTES = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id = id("msg_");
    private final ArrayNode blocks = Json.array();
    private final StringBuilder buffer = new StringBuilder();
    /** The open text or thinking block ({@code text}/{@code thinking}), or null. */
    private String open;
    private ObjectNode openBlock;
    private int index = -1;
    private boolean toolUsed;

    AnthropicSink(HttpServletResponse response, String model, boolean stream) {
        super(response, model, stream);
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        switch (why.refusal) {
            case NO_MODEL -> error(404, "model: " + model + " not found");
            case BUSY -> {
                retryAfter(why);
                error(AnthropicDoor.OVERLOADED, "all nodes serving '" + model + "' are busy, please try again");
            }
            case SHUTTING_DOWN -> error(503, "the hub is shutting down, please try again");
        }
    }

    /** This door has never sent the queue position header. */
    @Override
    public void queued(int position) {}

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        if (!c.thinking().isEmpty()) append("thinking", c.thinking());
        if (!c.content().isEmpty()) append("text", c.content());
        for (ToolCall tc : c.toolCalls()) toolUse(tc);
        return true;
    }

    private void append(String kind, String text) throws IOException {
        if (!kind.equals(open)) {
            close();
            open = kind;
            index++;
            openBlock = Json.object().put("type", kind).put(kind, "");
            if (kind.equals("thinking")) openBlock.put("signature", "");
            if (stream) event("content_block_start", Json.object().put("type", "content_block_start").put("index", index).set("content_block", openBlock));
        }
        if (stream) {
            ObjectNode delta = Json.object().put("type", kind + "_delta").put(kind, text);
            event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta));
        } else {
            buffer.append(text);
        }
    }

    private void toolUse(ToolCall tc) throws IOException {
        close();
        index++;
        toolUsed = true;
        JsonNode input = tc.arguments() == null ? Json.object() : tc.arguments();
        ObjectNode block = Json.object().put("type", "tool_use").put("id", tc.id() != null ? tc.id() : id("toolu_")).put("name", tc.name());
        if (!stream) {
            blocks.add(block.set("input", input));
            return;
        }
        block.putObject("input");
        event("content_block_start", Json.object().put("type", "content_block_start").put("index", index).set("content_block", block));
        ObjectNode delta = Json.object().put("type", "input_json_delta").put("partial_json", Json.write(input));
        event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta));
        event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
    }

    /** Ends the open text or thinking block, if any. */
    private void close() throws IOException {
        if (open == null) return;
        if (stream) {
            event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
        } else {
            blocks.add(openBlock.put(open, buffer.toString()));
            buffer.setLength(0);
        }
        open = null;
    }

    @Override
    public void keepAlive() throws IOException {
        if (stream && committed()) write("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        close();
        String stop = toolUsed ? "tool_use" : "length".equals(end.doneReason()) ? "max_tokens" : "end_turn";
        ObjectNode usage = usage(end.metrics());
        if (!stream) {
            receiptHeader();
            commit(200, "application/json");
            ObjectNode m = message(blocks).put("stop_reason", stop).putNull("stop_sequence");
            m.set("usage", usage);
            write(Json.write(m));
            return;
        }
        event("message_delta", null);
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        delta.set("usage", usage);
        write("event: message_delta\ndata: " + Json.write(delta) + "\n\n");
        // As on the OpenAI door: the receipt is an SSE comment just before the stream's last event.
        receiptComment("\n");
        write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Override
    protected void error(int status, String text) throws IOException {
        AnthropicDoor.error(response, status, text);
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        write("event: error\ndata: " + Json.write(AnthropicDoor.errorBody(FailureText.status(why), text)) + "\n\n");
    }

    private ObjectNode message(ArrayNode content) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        m.set("content", content);
        return m;
    }

    /**
     * Writes one event; {@code body} null only opens the stream. The first event is preceded by {@code message_start}
     * (usage unknown yet: zeros, the real counts come with {@code message_delta}) and one {@code ping}, as Anthropic does.
     */
    private void event(String name, ObjectNode body) throws IOException {
        if (!committed()) {
            commit(200, "text/event-stream");
            ObjectNode start = message(Json.array()).putNull("stop_reason").putNull("stop_sequence");
            start.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
            write("event: message_start\ndata: " + Json.write(Json.object().put("type", "message_start").set("message", start)) + "\n\n");
            write("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        }
        if (body != null) write("event: " + name + "\ndata: " + Json.write(body) + "\n\n");
    }

    private static ObjectNode usage(ChatEnd.Metrics m) {
        return Json.object().put("input_tokens", m == null ? 0 : m.promptEvalCount()).put("output_tokens", m == null ? 0 : m.evalCount());
    }

    private void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String id(String prefix) {
        byte[] b = new byte[ID_BYTES];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

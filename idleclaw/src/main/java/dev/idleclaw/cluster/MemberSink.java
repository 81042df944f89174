package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.registry.Scheduler;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The answer to a forwarding member, read by its {@link MemberTransport}: NDJSON of the node's chunks as Ollama
 * streams them (the final one with the metrics and, when this hub accepted it, the node's receipt as JSON), an
 * {@code {"error":code}} line with the node error's wire code, or a {@code {"refused":{status,message,body}}} line.
 * The status and headers go out as soon as a node took the request, so the member's wait for headers is short;
 * failing over between this hub's nodes still happens until the first chunk ({@link #hasOutput}). Before a node
 * was found, a refusal is a plain HTTP error.
 */
final class MemberSink extends DoorSink {
    static final String TYPE = "application/x-ndjson";
    private boolean output;

    MemberSink(HttpServletResponse response, String model) {
        super(response, model, true);
    }

    /** No node of this hub takes it: 503 whatever the reason, so the forwarder fails over (its directory was stale). */
    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        retryAfter(why);
        error(503, "no node of this hub takes " + model + " now (" + why.refusal.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    @Override
    public void start() throws IOException {
        commit(200, TYPE);
        sendHeaders();
    }

    @Override
    public boolean chunk(ChatChunk c) throws IOException {
        ObjectNode chunk = Json.object();
        ObjectNode message = chunk.putObject("message").put("role", "assistant").put("content", c.content());
        if (!c.thinking().isEmpty()) message.put("thinking", c.thinking());
        if (!c.toolCalls().isEmpty()) {
            var calls = message.putArray("tool_calls");
            c.toolCalls().forEach(tc -> calls.add(OllamaJson.toolCall(tc)));
        }
        line(chunk.put("done", false));
        output = true;
        return true;
    }

    /** An empty line: the forwarder skips it, and the connection stays warm through proxies. */
    @Override
    public void keepAlive() throws IOException {
        write(new byte[] {'\n'});
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        ObjectNode last = Json.object();
        last.putObject("message").put("role", "assistant").put("content", "");
        last.put("done", true).put("done_reason", end.doneReason());
        ChatEnd.Metrics m = end.metrics();
        if (m != null) {
            last.put("total_duration", m.totalDuration()).put("load_duration", m.loadDuration())
                    .put("prompt_eval_count", m.promptEvalCount()).put("prompt_eval_duration", m.promptEvalDuration())
                    .put("eval_count", m.evalCount()).put("eval_duration", m.evalDuration());
        }
        if (receipt() != null) {
            try {
                last.set("receipt", SignedReceipt.fromBase64(receipt()).toJson());
            } catch (ReceiptException e) {
                // this hub just accepted it; an unreadable one goes without
            }
        }
        line(last);
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        line(Json.object().put("error", code(why)));
    }

    /** The node error's wire code for {@code why}, as the forwarder's relay reads it. */
    static String code(Failure why) {
        return switch (why) {
            case INVALID_REQUEST -> "invalid_request";
            case NODE_UNAVAILABLE -> "ollama_unavailable";
            case DISCONNECTED -> MemberTransport.DISCONNECTED;
            case TIMEOUT -> "timeout";
            case NODE_ERROR, OVERFLOW -> "ollama_error";
        };
    }

    /** A refusal after the headers went out (a request no node of this hub accepts): in-band, passed on by the forwarder. */
    @Override
    protected void refuse(int status, String message, JsonNode body) throws IOException {
        ObjectNode refused = Json.object().put("status", status).put("message", message);
        if (body != null) refused.set("body", body);
        ObjectNode line = Json.object();
        line.set("refused", refused);
        line(line);
    }

    @Override
    public boolean hasOutput() {
        return output;
    }

    private void line(ObjectNode o) throws IOException {
        commit(200, TYPE);
        write(Json.line(o));
    }

    /** A plain JSON error before any node took the request. */
    @Override
    protected void error(int status, String message) throws IOException {
        ollamaError(status, message);
    }
}

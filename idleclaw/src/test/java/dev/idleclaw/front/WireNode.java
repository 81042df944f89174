package dev.idleclaw.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node at the wire level (JDK WebSocket) for the front-door tests: registers models (plain or with Ollama metadata),
 * records what the hub sends, and answers inference requests with exact native Ollama chunks.
 */
public final class WireNode implements AutoCloseable {
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final WebSocket ws;
    private volatile Consumer<String> handler;
    public final String nodeId = UUID.randomUUID().toString();

    private WireNode(int port) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/node"), new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Registers plain models (name and size only, as original IdleClaw nodes do). */
    public static WireNode registered(int port, int maxConcurrent, String... models) throws Exception {
        ObjectNode[] objs = new ObjectNode[models.length];
        for (int i = 0; i < models.length; i++) objs[i] = model(models[i], 1000);
        return registered(port, maxConcurrent, objs);
    }

    /** Registers raw model objects (which may carry digest, modified_at, details, capabilities). */
    public static WireNode registered(int port, int maxConcurrent, ObjectNode... models) throws Exception {
        var n = new WireNode(port);
        ObjectNode reg = Json.object().put("type", "register").put("node_id", n.nodeId);
        ArrayNode arr = reg.putArray("models");
        for (ObjectNode m : models) arr.add(m);
        n.send(reg.put("max_concurrent", maxConcurrent).put("ollama_version", "0.12.6"));
        JsonNode reply = n.nextOfType("registered");
        if (reply == null) throw new AssertionError("not registered");
        return n;
    }

    public static ObjectNode model(String name, long size) {
        return Json.object().put("name", name).put("size", size);
    }

    /** The label the hub shows consumers for this node ({@code X-IdleClaw-Node}). */
    public String label() throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(nodeId.getBytes(StandardCharsets.UTF_8));
        return "node-" + HexFormat.of().formatHex(d).substring(0, 12);
    }

    public synchronized void send(JsonNode json) {
        ws.sendText(Json.write(json), true).join();
    }

    /** Sends {@code chunk} (a native Ollama chunk) for request {@code id}. */
    public void chunk(String id, ObjectNode chunk) {
        ObjectNode m = Json.object().put("type", "inference_chunk").put("request_id", id);
        m.set("chunk", chunk);
        send(m);
    }

    public void content(String id, String text) {
        ObjectNode c = Json.object();
        c.putObject("message").put("role", "assistant").put("content", text);
        chunk(id, c.put("done", false));
    }

    public void thinking(String id, String text) {
        ObjectNode c = Json.object();
        c.putObject("message").put("role", "assistant").put("content", "").put("thinking", text);
        chunk(id, c.put("done", false));
    }

    /** One non-final chunk carrying {@code calls} (a JSON array text of Ollama tool calls). */
    public void toolCalls(String id, String calls) {
        ObjectNode c = Json.object();
        c.putObject("message").put("role", "assistant").put("content", "").set("tool_calls", FrontHub.json(calls));
        chunk(id, c.put("done", false));
    }

    /** The final chunk as an original IdleClaw node sends it: message, done and done_reason, no metrics. */
    public void done(String id) {
        ObjectNode c = Json.object();
        c.putObject("message").put("role", "assistant").put("content", "");
        chunk(id, c.put("done", true).put("done_reason", "stop"));
    }

    /** The final chunk with {@code reason} and the six metrics of ollama-api.md §4's example. */
    public void doneWithMetrics(String id, String reason) {
        ObjectNode c = Json.object();
        c.putObject("message").put("role", "assistant").put("content", "");
        chunk(id, c.put("done", true).put("done_reason", reason).put("total_duration", 182242375).put("load_duration", 41295167)
                .put("prompt_eval_count", 26).put("prompt_eval_duration", 24573166).put("eval_count", 3).put("eval_duration", 115959084));
    }

    public void error(String id, String code) {
        send(Json.object().put("type", "inference_error").put("request_id", id).put("error", code));
    }

    /** Answers every request with {@code tokens} and a final chunk with metrics. */
    public WireNode serving(List<String> tokens) {
        return onRequest(id -> {
            tokens.forEach(t -> content(id, t));
            doneWithMetrics(id, "stop");
        });
    }

    /** Hands the request id of every inference request to {@code h} (the request is still recorded). */
    public WireNode onRequest(Consumer<String> h) {
        handler = h;
        return this;
    }

    /** The next message of {@code type} from the hub (skipping others), failing after 10 s. */
    public JsonNode nextOfType(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(50, TimeUnit.MILLISECONDS);
            if (n != null && type.equals(n.path("type").asText())) return n;
        }
        throw new AssertionError("no " + type + " from the hub within 10 s");
    }

    /** True when a message of {@code type} arrives within {@code millis}. */
    public boolean receives(String type, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(20, TimeUnit.MILLISECONDS);
            if (n != null && type.equals(n.path("type").asText())) return true;
        }
        return false;
    }

    /** Drops the connection without a close frame, like a crashed node. */
    public void kill() {
        ws.abort();
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode n = FrontHub.json(partial.toString());
                partial.setLength(0);
                received.add(n);
                var h = handler;
                if (h != null && "inference_request".equals(n.path("type").asText())) {
                    String id = n.path("request_id").asText();
                    Thread.ofVirtual().start(() -> h.accept(id));
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}

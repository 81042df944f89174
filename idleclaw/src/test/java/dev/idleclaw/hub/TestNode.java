package dev.idleclaw.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A scriptable node at the wire level (JDK WebSocket), for driving the hub with exact and hostile messages.
 * Received messages queue up in {@link #next}; with {@link #onRequest} it answers inference requests itself.
 */
final class TestNode implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    record Close(int code, String reason) {}

    final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    /** Pings the hub sent (the JDK client answers each with a pong by itself). */
    final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    private final WebSocket ws;
    private volatile Consumer<JsonNode> handler;
    String nodeId;

    private TestNode(int port, String forwardedFor) throws Exception {
        this(port, forwardedFor, false);
    }

    private TestNode(int port, String forwardedFor, boolean authenticate) throws Exception {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (forwardedFor != null) builder.header("X-Forwarded-For", forwardedFor);
        if (authenticate) builder.header(NodeSocket.AUTH_HEADER, NodeSocket.AUTH_SCHEME);
        ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/node"), new Listener()).get(10, TimeUnit.SECONDS);
    }

    static TestNode connect(int port) throws Exception {
        return new TestNode(port, null);
    }

    /** Connects asking to authenticate: the hub's first message is then an {@code auth_challenge}. */
    static TestNode connectAuthenticating(int port) throws Exception {
        return new TestNode(port, null, true);
    }

    static TestNode connect(int port, String forwardedFor) throws Exception {
        return new TestNode(port, forwardedFor);
    }

    /** Connects and registers {@code models} (size = 1000 × position from the end) with {@code maxConcurrent}. */
    static TestNode registered(int port, int maxConcurrent, String... models) throws Exception {
        TestNode n = connect(port);
        n.register(java.util.UUID.randomUUID().toString(), maxConcurrent, models);
        return n;
    }

    TestNode register(String id, int maxConcurrent, String... models) throws Exception {
        ObjectNode reg = Json.object().put("type", "register").put("node_id", id);
        var arr = reg.putArray("models");
        for (int i = 0; i < models.length; i++) arr.addObject().put("name", models[i]).put("size", 1000L * (models.length - i));
        reg.put("max_concurrent", maxConcurrent).put("ollama_version", "0.12.6");
        send(reg);
        JsonNode reply = next();
        if (!"registered".equals(reply.path("type").asText())) throw new AssertionError("expected registered, got " + reply);
        nodeId = id;
        return this;
    }

    synchronized void send(String text) {
        ws.sendText(text, true).join();
    }

    void send(JsonNode json) {
        send(Json.write(json));
    }

    synchronized void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void heartbeat() {
        send(Json.object().put("type", "heartbeat").put("node_id", nodeId).put("active_requests", 0).put("available", true));
    }

    void chunk(String requestId, String content) {
        ObjectNode c = Json.object().put("type", "inference_chunk").put("request_id", requestId);
        c.putObject("chunk").put("done", false).putObject("message").put("role", "assistant").put("content", content);
        send(c);
    }

    void thinking(String requestId, String thinking) {
        ObjectNode c = Json.object().put("type", "inference_chunk").put("request_id", requestId);
        c.putObject("chunk").put("done", false).putObject("message").put("role", "assistant").put("content", "").put("thinking", thinking);
        send(c);
    }

    /** A chunk with one tool call {@code name(arguments)} in Ollama's shape. */
    void toolCall(String requestId, String name, ObjectNode arguments) {
        ObjectNode c = Json.object().put("type", "inference_chunk").put("request_id", requestId);
        var msg = c.putObject("chunk").put("done", false).putObject("message").put("role", "assistant").put("content", "");
        msg.putArray("tool_calls").addObject().putObject("function").put("name", name).set("arguments", arguments);
        send(c);
    }

    void done(String requestId) {
        ObjectNode c = Json.object().put("type", "inference_chunk").put("request_id", requestId);
        c.putObject("chunk").put("done", true).put("done_reason", "stop").putObject("message").put("role", "assistant").put("content", "");
        send(c);
    }

    void error(String requestId, String code) {
        send(Json.object().put("type", "inference_error").put("request_id", requestId).put("error", code));
    }

    /** Answers every inference request with {@code tokens} then {@code done}. */
    TestNode serving(List<String> tokens) {
        return onRequest(req -> {
            String id = req.path("request_id").asText();
            tokens.forEach(t -> chunk(id, t));
            done(id);
        });
    }

    /** Hands every inference request to {@code h} (on the listener thread) instead of queueing it. */
    TestNode onRequest(Consumer<JsonNode> h) {
        handler = h;
        return this;
    }

    JsonNode next() throws InterruptedException {
        return next(WAIT);
    }

    JsonNode next(Duration wait) throws InterruptedException {
        JsonNode n = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (n == null) throw new AssertionError("no message from the hub within " + wait);
        return n;
    }

    /** The next message of {@code type}, skipping others. */
    JsonNode nextOfType(String type) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(50, TimeUnit.MILLISECONDS);
            if (n != null && type.equals(n.path("type").asText())) return n;
        }
        throw new AssertionError("no " + type + " within " + WAIT);
    }

    Close awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the TCP connection without a close frame, like a crashed process. */
    void kill() {
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
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode n = Json.parse(text);
                    var h = handler;
                    if (h != null && "inference_request".equals(n.path("type").asText())) {
                        Thread.ofVirtual().start(() -> h.accept(n));
                        received.add(n);
                    } else {
                        received.add(n);
                    }
                } catch (Exception e) {
                    received.add(Json.object().put("type", "unparseable").put("text", text));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}

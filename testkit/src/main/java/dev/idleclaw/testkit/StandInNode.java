package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node speaking the IdleClaw node protocol over a real WebSocket ({@code /ws/node}), scripted by the test: it
 * registers (optionally with limits, features or auth), sends heartbeats, chunks, tool calls and errors exactly when
 * told, and records every message the hub sends. Anything the protocol allows, and hostile input it does not, can
 * be sent raw with {@link #send(String)}.
 */
public final class StandInNode implements AutoCloseable {
    /** How long waits for the hub last: far above any hub reply time, short enough to fail a stuck test quickly. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** How often the waits look for a message of the wanted type. */
    private static final long POLL_MILLIS = 20;

    /** How the hub closed the link (1006 when the connection failed without a close frame). */
    public record Close(int code, String reason) {}

    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    private final WebSocket ws;
    private volatile Consumer<JsonNode> handler;
    private volatile String nodeId;

    private StandInNode(int port, String... headers) throws Exception {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
        ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/node"), new Listener())
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens the link to the hub on loopback {@code port} with extra upgrade {@code headers} (name, value, …). */
    public static StandInNode connect(int port, String... headers) throws Exception {
        return new StandInNode(port, headers);
    }

    /** Connects and registers plain models (see {@link NodeRegistration#named}). */
    public static StandInNode registered(int port, int maxConcurrent, String... models) throws Exception {
        return registered(port, NodeRegistration.named(maxConcurrent, models));
    }

    /** Connects and registers raw model objects (which may carry digest, modified_at, details, capabilities). */
    public static StandInNode registered(int port, int maxConcurrent, ObjectNode... models) throws Exception {
        return registered(port, NodeRegistration.of(maxConcurrent, models));
    }

    public static StandInNode registered(int port, NodeRegistration registration) throws Exception {
        StandInNode n = connect(port);
        try {
            return n.register(registration);
        } catch (Exception | AssertionError e) {
            n.close();
            throw e;
        }
    }

    /** Sends {@code register} and fails unless the hub's next message is {@code registered}. */
    public StandInNode register(NodeRegistration registration) throws InterruptedException {
        send(registration.toJson());
        JsonNode reply = next();
        if (!"registered".equals(reply.path("type").asText())) throw new AssertionError("expected registered, got " + reply);
        nodeId = registration.nodeId();
        return this;
    }

    public StandInNode register(String id, int maxConcurrent, String... models) throws InterruptedException {
        return register(NodeRegistration.named(maxConcurrent, models).withNodeId(id));
    }

    /** The id this node registered under (null before it registered). */
    public String nodeId() {
        return nodeId;
    }

    /** The label the hub shows consumers for this node ({@code X-IdleClaw-Node}): a hash of its id. */
    public String label() throws NoSuchAlgorithmException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(nodeId.getBytes(StandardCharsets.UTF_8));
        return "node-" + HexFormat.of().formatHex(d).substring(0, 12);
    }

    public synchronized void send(String text) {
        ws.sendText(text, true).join();
    }

    public void send(JsonNode json) {
        send(json.toString());
    }

    public synchronized void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public void heartbeat() {
        send(NodeFrames.heartbeat(nodeId, 0, true));
    }

    /** Sends {@code chunk} (a native Ollama chunk) for request {@code id}. */
    public void chunk(String id, ObjectNode chunk) {
        send(NodeFrames.chunkFrame(id, chunk));
    }

    public void content(String id, String text) {
        chunk(id, NodeFrames.text(text, null));
    }

    public void thinking(String id, String text) {
        chunk(id, NodeFrames.text("", text));
    }

    /** One non-final chunk carrying {@code calls} (a JSON array text of Ollama tool calls). */
    public void toolCalls(String id, String calls) {
        try {
            chunk(id, NodeFrames.toolCalls((ArrayNode) NodeRegistration.MAPPER.readTree(calls)));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JSON array: " + calls, e);
        }
    }

    /** One non-final chunk with the single tool call {@code name(arguments)}. */
    public void toolCall(String id, String name, ObjectNode arguments) {
        ArrayNode calls = NodeRegistration.MAPPER.createArrayNode();
        calls.addObject().putObject("function").put("name", name).set("arguments", arguments);
        chunk(id, NodeFrames.toolCalls(calls));
    }

    /** The final chunk as an original IdleClaw node sends it: done_reason {@code stop}, no metrics. */
    public void done(String id) {
        chunk(id, NodeFrames.done("stop"));
    }

    /** The final chunk with {@code reason} and Ollama's six metrics (26 prompt tokens, 3 completion tokens). */
    public void doneWithMetrics(String id, String reason) {
        chunk(id, NodeFrames.doneWithMetrics(reason));
    }

    public void error(String id, String code) {
        send(NodeFrames.error(id, code));
    }

    /** Answers every inference request with {@code tokens} then a final chunk without metrics. */
    public StandInNode serving(List<String> tokens) {
        return onRequestId(id -> {
            tokens.forEach(t -> content(id, t));
            done(id);
        });
    }

    /** Answers every inference request with {@code tokens} then a final chunk with metrics. */
    public StandInNode servingWithMetrics(List<String> tokens) {
        return onRequestId(id -> {
            tokens.forEach(t -> content(id, t));
            doneWithMetrics(id, "stop");
        });
    }

    /** Hands every inference request to {@code h} on a thread of its own (the request is still recorded). */
    public StandInNode onRequest(Consumer<JsonNode> h) {
        handler = h;
        return this;
    }

    /** As {@link #onRequest}, handing over only the request id. */
    public StandInNode onRequestId(Consumer<String> h) {
        return onRequest(req -> h.accept(req.path("request_id").asText()));
    }

    /** Every message from the hub not yet taken, in order ({@code {"type":"unparseable"}} for text that is not JSON). */
    public BlockingQueue<JsonNode> received() {
        return received;
    }

    /** Completes when the hub closes the link or the connection fails. */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** Pings the hub sent (the JDK client answers each with a pong by itself). */
    public int pings() {
        return pings.get();
    }

    public JsonNode next() throws InterruptedException {
        return next(WAIT);
    }

    public JsonNode next(Duration wait) throws InterruptedException {
        JsonNode n = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (n == null) throw new AssertionError("no message from the hub within " + wait);
        return n;
    }

    /** The next message of {@code type}, skipping others, failing after {@link #WAIT}. */
    public JsonNode nextOfType(String type) throws InterruptedException {
        JsonNode n = poll(type, WAIT.toMillis());
        if (n == null) throw new AssertionError("no " + type + " from the hub within " + WAIT);
        return n;
    }

    /** True when a message of {@code type} arrives within {@code millis} (others are skipped). */
    public boolean receives(String type, long millis) throws InterruptedException {
        return poll(type, millis) != null;
    }

    private JsonNode poll(String type, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (n != null && type.equals(n.path("type").asText())) return n;
        }
        return null;
    }

    public Close awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the TCP connection without a close frame, like a crashed node. */
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
        public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonNode n = parse(text);
                received.add(n);
                var h = handler;
                if (h != null && "inference_request".equals(n.path("type").asText())) Thread.ofVirtual().start(() -> h.accept(n));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }

    private static JsonNode parse(String text) {
        try {
            return NodeRegistration.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return NodeFrames.object().put("type", "unparseable").put("text", text);
        }
    }
}

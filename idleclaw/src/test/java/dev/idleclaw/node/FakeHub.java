package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A hub stand-in for node tests: a Javalin WebSocket on {@code /ws/node} that records every frame a node sends
 * (with the connection it came on), answers {@code register} with {@code registered}, and lets tests send
 * messages or close the latest connection.
 */
final class FakeHub implements AutoCloseable {
    /** One node frame and the connection number (0, 1, …) it arrived on. */
    record Frame(int connection, ObjectNode json) {
        String type() {
            return Json.text(json, "type");
        }
    }

    /** A close the hub saw, with its connection number. */
    record Closed(int connection, int code, String reason) {}

    private final Javalin app;
    private final List<WsContext> connections = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> connectionIndex = new ConcurrentHashMap<>();
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<Closed> closes = new CopyOnWriteArrayList<>();
    /** What {@code register} is answered with; null = the normal {@code registered}. */
    volatile String registerReply;

    FakeHub() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.ws("/ws/node", ws -> {
                ws.onConnect(ctx -> {
                    ctx.session.setIdleTimeout(Duration.ofMinutes(5));
                    connectionIndex.put(ctx.sessionId(), connections.size());
                    connections.add(ctx);
                });
                ws.onMessage(ctx -> {
                    var json = (ObjectNode) Json.parse(ctx.message());
                    if ("register".equals(Json.text(json, "type"))) {
                        // Reply before recording: a test that waits for the register frame and then sends a request
                        // must not race the node's first reply.
                        String reply = registerReply;
                        ctx.send(reply != null ? reply
                                : Json.write(Json.object().put("type", "registered").put("node_id", Json.text(json, "node_id"))));
                    }
                    frames.add(new Frame(connectionIndex.get(ctx.sessionId()), json));
                });
                ws.onClose(ctx -> closes.add(new Closed(connectionIndex.getOrDefault(ctx.sessionId(), -1),
                        ctx.status(), ctx.reason())));
            });
        }).start("127.0.0.1", 0);
    }

    String httpUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    int connectionCount() {
        return connections.size();
    }

    List<Frame> frames() {
        return frames;
    }

    List<Frame> frames(String type) {
        return frames.stream().filter(f -> type.equals(f.type())).toList();
    }

    /** Frames about one request id, in arrival order. */
    List<ObjectNode> forRequest(String requestId) {
        return frames.stream().map(Frame::json).filter(j -> requestId.equals(Json.text(j, "request_id"))).toList();
    }

    List<Closed> closes() {
        return closes;
    }

    /** Waits for the first frame matching {@code test}. */
    Frame await(Predicate<Frame> test, Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(10))
                .until(() -> frames.stream().filter(test).findFirst().orElse(null), f -> f != null);
    }

    Frame await(String type, Duration timeout) {
        return await(f -> type.equals(f.type()), timeout);
    }

    /** Waits for the end of a request: its {@code done:true} chunk or its {@code inference_error}. */
    ObjectNode awaitEnd(String requestId, Duration timeout) {
        return await(f -> requestId.equals(Json.text(f.json(), "request_id"))
                && ("inference_error".equals(f.type()) || f.json().path("chunk").path("done").asBoolean()), timeout).json();
    }

    /** Sends a text frame on the newest connection. */
    void send(String text) {
        connections.getLast().send(text);
    }

    void sendRequest(String requestId, ObjectNode params) {
        var msg = Json.object().put("type", "inference_request").put("request_id", requestId);
        msg.set("ollama_params", params);
        send(Json.write(msg));
    }

    void cancel(String requestId) {
        send(Json.write(Json.object().put("type", "cancel_request").put("request_id", requestId)));
    }

    /** Closes the newest connection with a close frame. */
    void close(int code, String reason) {
        connections.getLast().closeSession(code, reason);
    }

    @Override
    public void close() {
        app.stop();
    }
}

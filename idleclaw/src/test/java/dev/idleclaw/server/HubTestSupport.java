package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.link.NodeSocket;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

/** Small helpers shared by the hub integration tests. */
public final class HubTestSupport {
    private HubTestSupport() {}

    /** Parses a response body as JSON (failing the test on bad JSON). */
    public static JsonNode json(HttpResponse<String> res) {
        try {
            return Json.parse(res.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + res.body(), e);
        }
    }

    /** The body's field names in order. */
    public static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The hub still answers /health and reports the expected number of nodes. */
    public static void assertHealthy(HubFixture hub, int nodes) throws Exception {
        var res = hub.get("/health");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json(res).path("node_count").asInt()).isEqualTo(nodes);
    }

    /** Runs {@code call} on a virtual thread. */
    public static <T> CompletableFuture<T> async(Callable<T> call) {
        var f = new CompletableFuture<T>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Connects a node and registers it as {@code nodeId} with raw model objects (for capabilities or exact sizes). */
    public static StandInNode registerRaw(int port, String nodeId, int maxConcurrent, ObjectNode... models) throws Exception {
        return registerWithLimits(port, nodeId, maxConcurrent, null, models);
    }

    /** As {@link #registerRaw(int, String, int, ObjectNode...)}, advertising {@code limits} (null: none, as original nodes). */
    public static StandInNode registerWithLimits(int port, String nodeId, int maxConcurrent, ObjectNode limits, ObjectNode... models) throws Exception {
        return StandInNode.registered(port, NodeRegistration.of(maxConcurrent, models).withNodeId(nodeId).withLimits(limits));
    }

    /** Connects asking to authenticate: the hub's first message is then an {@code auth_challenge}. */
    public static StandInNode connectAuthenticating(int port) throws Exception {
        return StandInNode.connect(port, NodeSocket.AUTH_HEADER, NodeSocket.AUTH_SCHEME);
    }

    public static ObjectNode model(String name, long size, String... capabilities) {
        return NodeRegistration.model(name, size, capabilities);
    }

    /** The hub's link for {@code node}. */
    public static NodeLink link(HubFixture hub, StandInNode node) {
        return hub.link(node);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a chunk every {@code periodMs} until the hub cancels {@code id} (or {@code max} chunks). */
    public static void trickle(StandInNode node, String id, Map<String, Boolean> cancelled, String text, long periodMs, int max) {
        for (int i = 0; i < max && !cancelled.containsKey(id); i++) {
            node.content(id, text);
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Records every cancel the node receives (by request id), draining the node's queue in the background. */
    public static Map<String, Boolean> watchCancels(StandInNode node) {
        Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
        Thread.ofVirtual().start(() -> {
            while (!node.closed().isDone()) {
                try {
                    JsonNode m = node.received().poll(50, TimeUnit.MILLISECONDS);
                    if (m != null && "cancel_request".equals(m.path("type").asText())) cancelled.put(m.path("request_id").asText(), true);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return cancelled;
    }

    /** The last user message of an inference request (to tell requests apart). */
    public static String prompt(JsonNode inferenceRequest) {
        JsonNode messages = inferenceRequest.path("ollama_params").path("messages");
        return messages.path(messages.size() - 1).path("content").asText();
    }

    /** A raw HTTP/1.1 exchange: status line, headers (lower-case names) and body. */
    public record RawResponse(int status, List<String> headers, String body) {
        String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase(name)) return h.substring(colon + 1).strip();
            }
            return null;
        }
    }

    /** Sends {@code request} verbatim and reads the answer up to its Content-Length (or EOF). */
    public static RawResponse raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            String status = reader.readLine();
            List<String> headers = new ArrayList<>();
            int length = -1;
            for (String line; (line = reader.readLine()) != null && !line.isEmpty(); ) {
                headers.add(line);
                if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            if (code == 101) return new RawResponse(code, headers, "");
            var body = new StringBuilder();
            for (int i = 0; length < 0 || i < length; i++) {
                int c = reader.read();
                if (c < 0) break;
                body.append((char) c);
            }
            return new RawResponse(code, headers, body.toString());
        }
    }

    /** A WebSocket upgrade request for /ws/node, with optional extra header lines. */
    public static String upgradeRequest(int port, String... extraHeaders) {
        var sb = new StringBuilder("GET /ws/node HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (String h : extraHeaders) sb.append(h).append("\r\n");
        return sb.append("\r\n").toString();
    }
}

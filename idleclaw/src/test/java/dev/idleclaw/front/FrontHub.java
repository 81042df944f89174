package dev.idleclaw.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.hub.Hub;
import dev.idleclaw.hub.HubConfig;
import dev.idleclaw.hub.NodeLink;
import dev.idleclaw.hub.Scheduler;
import dev.idleclaw.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A hub on ephemeral loopback ports for the front-door tests, driven only through public APIs (HTTP, and the hub's
 * public accessors), with generous limits and short timings unless a test changes them.
 */
public final class FrontHub implements AutoCloseable {
    public final Hub hub;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private FrontHub(Hub hub) {
        this.hub = hub;
    }

    public static FrontHub start() throws Exception {
        return start(c -> {});
    }

    public static FrontHub start(Consumer<HubConfig.Builder> change) throws Exception {
        var b = HubConfig.builder(Files.createTempDirectory("idleclaw-front")).apply(c -> {
            c.port = 0;
            c.chatRpm = 10_000;
            c.wsRpm = 10_000;
            c.defaultRpm = 10_000;
            c.maxNodesPerIp = 50;
            c.maxChatsPerIp = 50;
            c.maxConnectionsPerIp = 100_000;
            c.queueTimeout = Duration.ofSeconds(2);
            c.drainTimeout = Duration.ofMillis(500);
            c.probeInterval = Duration.ZERO;
        });
        change.accept(b);
        return new FrontHub(Hub.start(b.build()));
    }

    public int port() {
        return hub.port();
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(port(), "GET", path, null, headers);
    }

    public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return send(port(), "POST", path, body, headers);
    }

    /** Any method to any of the hub's listeners; {@code body} null sends none. */
    public HttpResponse<String> send(int port, String method, String path, String body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sets a node's reputation to zero, as repeated failures would (the catalog must then hide its models). */
    public void zeroReputation(WireNode node) throws Exception {
        NodeLink link = hub.registry().registered().stream().filter(l -> l.nodeId().equals(node.nodeId)).findFirst().orElseThrow();
        var adjust = Scheduler.class.getDeclaredMethod("adjustReputation", NodeLink.class, double.class);
        adjust.setAccessible(true);
        adjust.invoke(hub.scheduler(), link, -1.0);
    }

    @Override
    public void close() {
        hub.close();
    }

    /** A raw HTTP/1.1 answer: status, header lines and every byte after the blank line up to EOF. */
    public record Raw(int status, List<String> headers, String body) {
        public String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase(name)) return h.substring(colon + 1).strip();
            }
            return null;
        }
    }

    /** Sends {@code method path} with {@code Connection: close} and reads to EOF (to see exactly what follows the headers). */
    public static Raw raw(int port, String method, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            var all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] head = text.substring(0, end).split("\r\n");
            return new Raw(Integer.parseInt(head[0].split(" ")[1]), List.of(head).subList(1, head.length), text.substring(end + 4));
        }
    }

    /**
     * The response's media type with blanks around {@code ;} removed: Jetty writes {@code application/json;charset=utf-8}
     * where Go writes {@code application/json; charset=utf-8}, and RFC 9110 makes them equal.
     */
    public static String type(java.net.http.HttpHeaders headers) {
        return headers.firstValue("Content-Type").orElse("").replaceAll("\\s*;\\s*", ";");
    }

    /** {@code expected} in the form {@link #type} returns. */
    public static String type(String expected) {
        return expected.replaceAll("\\s*;\\s*", ";");
    }

    public static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    public static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** NDJSON lines, each checked to be one compact JSON object followed by {@code \n}. */
    public static List<String> ndjson(String body) {
        if (!body.endsWith("\n")) throw new AssertionError("NDJSON body does not end with a newline: " + body);
        List<String> lines = List.of(body.substring(0, body.length() - 1).split("\n", -1));
        for (String line : lines) {
            JsonNode n = json(line);
            if (!n.isObject() || !Json.write(n).equals(line)) throw new AssertionError("not one compact JSON object: " + line);
        }
        return lines;
    }

    /** OpenAI SSE events ({@code data: …\n\n}), checking the framing: no other lines, no CR. */
    public static List<String> sse(String body) {
        if (body.contains("\r")) throw new AssertionError("CR in OpenAI SSE framing: " + body);
        if (!body.endsWith("\n\n")) throw new AssertionError("SSE body does not end with a blank line: " + body);
        List<String> out = new ArrayList<>();
        for (String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (!event.startsWith("data: ") || event.contains("\n")) throw new AssertionError("unexpected SSE event: " + event);
            out.add(event.substring(6));
        }
        return out;
    }

    /** {@code line} with its {@code created_at} value replaced by {@code T} after checking it is RFC 3339 UTC. */
    public static String stamped(String line) {
        var m = java.util.regex.Pattern.compile("\"created_at\":\"([^\"]*)\"").matcher(line);
        if (!m.find()) throw new AssertionError("no created_at in " + line);
        if (!m.group(1).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z")) {
            throw new AssertionError("created_at is not RFC 3339 UTC: " + m.group(1));
        }
        return line.substring(0, m.start(1)) + "T" + line.substring(m.end(1));
    }
}

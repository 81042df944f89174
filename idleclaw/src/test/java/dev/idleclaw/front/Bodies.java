package dev.idleclaw.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading what the doors answer, checking the framing on the way: JSON, NDJSON, SSE, media types, raw HTTP. */
public final class Bodies {
    private Bodies() {}

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

package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A JDK HttpClient pinned to HTTP/1.1 (as the node's engine client is), plus JSON helpers. */
final class Client {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every call in these tests answers within milliseconds; 5 s only guards against a hung test. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    private final String baseUrl;

    Client(StandInOllama ollama) {
        this.baseUrl = ollama.baseUrl();
    }

    HttpResponse<String> get(String path) { return send("GET", path, null); }

    HttpResponse<String> head(String path) { return send("HEAD", path, null); }

    HttpResponse<String> post(String path, String body) { return send("POST", path, body); }

    HttpResponse<String> send(String method, String path, String body) {
        try {
            return HTTP.send(request(method, path, body).build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST with a total timeout; the JDK client abandons the connection when it expires. */
    HttpResponse<String> post(String path, String body, Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(request("POST", path, body).timeout(timeout).build(), BodyHandlers.ofString());
    }

    /** POST returning as soon as the headers arrived; the caller reads (and closes) the body. */
    HttpResponse<InputStream> open(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(request("POST", path, body).build(), BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        var publisher = body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body);
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).method(method, publisher);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NDJSON body → objects; asserts every line is non-empty. */
    static List<JsonNode> lines(String body) {
        if (!body.endsWith("\n")) throw new AssertionError("NDJSON must end with a newline: " + body);
        return body.lines().map(line -> {
            if (line.isBlank()) throw new AssertionError("blank NDJSON line in " + body);
            return json(line);
        }).toList();
    }

    /** NDJSON lines until EOF or a broken connection (both end a dropped stream). */
    static List<JsonNode> readUntilEnd(InputStream body) {
        var lines = new ArrayList<JsonNode>();
        try (var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (var line = reader.readLine(); line != null; line = reader.readLine()) lines.add(json(line));
        } catch (IOException e) {
            // a dropped connection surfaces here, after the lines that did arrive
        }
        return lines;
    }

    static List<String> keys(JsonNode node) {
        var keys = new ArrayList<String>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}

package dev.idleclaw.hub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Starts a hub on an ephemeral loopback port with test-sized timings, and talks HTTP to it. */
final class HubFixture implements AutoCloseable {
    final Hub hub;
    final Path dataDir;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HubFixture(Path dataDir, Consumer<HubConfig.Builder> change) {
        this.dataDir = dataDir;
        var b = HubConfig.builder(dataDir).apply(c -> {
            c.port = 0;
            c.chatRpm = 10_000;
            c.wsRpm = 10_000;
            c.defaultRpm = 10_000;
            c.maxNodesPerIp = 50;
            c.maxChatsPerIp = 50;
            c.maxConnectionsPerIp = 100_000;
            c.queueTimeout = Duration.ofSeconds(2);
            c.drainTimeout = Duration.ofSeconds(2);
        });
        change.accept(b);
        this.hub = Hub.start(b.build());
    }

    static HubFixture start() throws IOException {
        return start(c -> {});
    }

    static HubFixture start(Consumer<HubConfig.Builder> change) throws IOException {
        return new HubFixture(Files.createTempDirectory("idleclaw-hub"), change);
    }

    /** A new hub on the same data directory (restart). */
    HubFixture restart(Consumer<HubConfig.Builder> change) {
        hub.close();
        return new HubFixture(dataDir, change);
    }

    int port() {
        return hub.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> chat(String body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(url("/api/chat"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<java.io.InputStream> chatStream(String body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url("/api/chat"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    static String ask(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Override
    public void close() {
        hub.close();
    }
}

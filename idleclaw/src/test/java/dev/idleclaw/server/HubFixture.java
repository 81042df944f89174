package dev.idleclaw.server;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.testkit.StandInNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The hub every in-process test starts: on an ephemeral loopback port, with limits generous enough that only a test
 * that lowers one meets it, short queue and drain timings, no hidden checks or re-runs, and a plain HTTP/1.1 client to talk to it.
 */
public final class HubFixture implements AutoCloseable {
    /** Requests and node links per minute: far above what any one test makes. */
    private static final int GENEROUS_RATE = 10_000;
    /** Open connections from one address: load tests open thousands, and this limit is not what they test. */
    private static final int GENEROUS_CONNECTIONS = 100_000;
    /** Nodes and chats from one address (all tests run on 127.0.0.1): above the most any test opens at once. */
    private static final int GENEROUS_PER_IP = 50;
    /** A request waits this long for a free slot: long enough for a busy machine, short enough for a queue test. */
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(2);
    /** Closing waits this long for answers still streaming, so a test that leaves one open ends quickly. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** An HTTP exchange that has not started answering by then is stuck: fail rather than hang the build. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    public final Hub hub;
    public final Path dataDir;
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HubFixture(Path dataDir, Consumer<HubConfig.Builder> change) {
        this.dataDir = dataDir;
        var b = HubConfig.builder(dataDir).apply(c -> {
            c.port = 0;
            c.chatRpm = GENEROUS_RATE;
            c.wsRpm = GENEROUS_RATE;
            c.defaultRpm = GENEROUS_RATE;
            c.maxNodesPerIp = GENEROUS_PER_IP;
            c.maxChatsPerIp = GENEROUS_PER_IP;
            c.maxConnectionsPerIp = GENEROUS_CONNECTIONS;
            c.queueTimeout = QUEUE_TIMEOUT;
            c.drainTimeout = DRAIN_TIMEOUT;
            c.canaryRate = 0;
            c.rerunShare = 0;
        });
        change.accept(b);
        this.hub = Hub.start(b.build());
    }

    public static HubFixture start() throws IOException {
        return start(c -> {});
    }

    /** A hub with the test defaults, then {@code change} applied to its configuration, on a new data directory. */
    public static HubFixture start(Consumer<HubConfig.Builder> change) throws IOException {
        return new HubFixture(Files.createTempDirectory("idleclaw-hub"), change);
    }

    /** As {@link #start(Consumer)} on {@code dataDir} (for a hub that keeps its identity, ledger or peers file). */
    public static HubFixture on(Path dataDir, Consumer<HubConfig.Builder> change) {
        return new HubFixture(dataDir, change);
    }

    /** Closes this hub and starts a new one on the same data directory (a restart). */
    public HubFixture restart(Consumer<HubConfig.Builder> change) {
        hub.close();
        return new HubFixture(dataDir, change);
    }

    public int port() {
        return hub.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(port(), "GET", path, null, headers);
    }

    public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return send(port(), "POST", path, body, headers);
    }

    /** Any method to any of the hub's listeners; {@code body} null sends none. */
    public HttpResponse<String> send(int port, String method, String path, String body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /api/chat with a JSON {@code body}. */
    public HttpResponse<String> chat(String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post("/api/chat", body, all);
    }

    /** POST /api/chat, handing back the body as it streams. */
    public HttpResponse<InputStream> chatStream(String body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url("/api/chat"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A one-message chat body asking {@code model} {@code prompt} (which must need no JSON escaping). */
    public static String ask(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    /** The hub's link for {@code node}. */
    public NodeLink link(StandInNode node) {
        return hub.registry().registered().stream().filter(l -> l.nodeId().equals(node.nodeId())).findFirst().orElseThrow();
    }

    /** Sets a node's reputation to zero, as repeated failures would (the catalog must then hide its models). */
    public void zeroReputation(StandInNode node) {
        hub.scheduler().adjustReputation(link(node), -1.0);
    }

    @Override
    public void close() {
        hub.close();
    }
}

package dev.idleclaw.e2e;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process federation: a tracker in local mode, hubs that each run a node agent in front of their own stand-in
 * Ollama and announce themselves to the tracker, and a router (a hub without a node listener) that follows the
 * tracker into its peers file. Timings are shortened so failover and recovery take seconds, not minutes. With a
 * Nostr relay ({@link #overNostr}) the hubs announce to the relay instead and the router follows the relay.
 */
final class FederatedNetwork implements AutoCloseable {
    /** Announcements every half second, so a restarted hub is listed again at once. */
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    /**
     * Announcements to a relay every two seconds: Nostr dates are whole seconds and must increase, so a faster
     * heartbeat would run ahead of the clock.
     */
    static final Duration NOSTR_HEARTBEAT = Duration.ofSeconds(2);
    /** The router re-reads the tracker this often (production: 60 s). */
    static final Duration SYNC_INTERVAL = Duration.ofMillis(500);
    /** The router trusts a peer's capacity this long (production: 30 s), so a dead hub's failed fetches come quickly. */
    static final Duration CAPACITY_TTL = Duration.ofSeconds(1);
    /** How long an excluded peer sits out (production: 30 s). */
    static final Duration COOLDOWN = Duration.ofSeconds(3);
    /** Every hub's node offers two slots, so two simultaneous chats spread over two hubs. */
    static final int NODE_SLOTS = 2;
    /** Loopback is every client here: generous budgets so the per-address limits never interfere. */
    private static final int GENEROUS_RPM = 60_000;

    /** One hub of the network with its own stand-in Ollama and node agent. */
    static final class Member {
        final String label;
        final Path dir;
        final int port;
        final StandInOllama ollama;
        final Identity nodeKey = Identity.generate();
        Hub hub;
        NodeAgent agent;

        Member(String label, Path dir, int port, StandInOllama ollama) {
            this.label = label;
            this.dir = dir;
            this.port = port;
            this.ollama = ollama;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        String key() {
            return hub.publicKey();
        }
    }

    final TrackerServer tracker;
    /** Null: hubs announce to the tracker; else to this Nostr relay, which the router follows. */
    final URI relay;
    final List<Member> members = new ArrayList<>();
    final Hub router;
    final Path routerDir;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts the tracker, one hub per model (in order), and the router following the tracker. */
    FederatedNetwork(String... models) throws IOException {
        this(null, models);
    }

    /** As {@link #FederatedNetwork(String...)}, but discovery goes through the Nostr relay at {@code relay}. */
    static FederatedNetwork overNostr(URI relay, String... models) throws IOException {
        return new FederatedNetwork(relay, models);
    }

    private FederatedNetwork(URI relay, String... models) throws IOException {
        this.relay = relay;
        tracker = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.LOCAL).withRequestsPerMinute(GENEROUS_RPM));
        Hub started = null;
        Path rd = null;
        try {
            for (int i = 0; i < models.length; i++) {
                var m = new Member("hub" + (i + 1), Files.createTempDirectory("fed-hub" + (i + 1)), freePort(),
                        StandInOllama.start().model(StandInModel.of(models[i])));
                members.add(m);
                start(m);
            }
            rd = Files.createTempDirectory("fed-router");
            Path peers = rd.resolve("peers.json");
            started = HubFixture.on(rd, c -> {
                c.nodeListener = false;
                c.peersFile = peers;
                c.localPeers = true;
                if (relay == null) c.syncFrom = List.of(trackerUri());
                else c.syncNostr = List.of(relay);
                c.syncInterval = SYNC_INTERVAL;
                c.peerCapacityTtl = CAPACITY_TTL;
                c.peerCooldown = COOLDOWN;
                generous(c);
            }).hub;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        router = started;
        routerDir = rd;
    }

    URI trackerUri() {
        return URI.create("http://127.0.0.1:" + tracker.port());
    }

    private static void generous(HubConfig.Builder c) {
        c.chatRpm = GENEROUS_RPM;
        c.defaultRpm = GENEROUS_RPM;
        c.wsRpm = GENEROUS_RPM;
        c.maxChatsPerIp = 64;
        c.maxConnectionsPerIp = 100_000;
        c.queueTimeout = Duration.ofSeconds(3);
        c.drainTimeout = Duration.ofSeconds(1);
        c.canaryRate = 0;
    }

    /** Starts (or restarts, on the same directory, identity and port) a member's hub and a fresh node agent. */
    void start(Member m) {
        m.hub = HubFixture.on(m.dir, c -> {
            c.port = m.port;
            c.announce = relay == null ? new Announcer.Settings(trackerUri(), m.url(), m.label, null, 300, HEARTBEAT)
                    : new Announcer.Settings(null, m.url(), m.label, null, 300, NOSTR_HEARTBEAT, List.of(relay));
            generous(c);
        }).hub;
        var agent = new NodeAgent(NodeConfig.of(m.url(), m.ollama.baseUrl(), NODE_SLOTS)
                .withTimings(NodeTimings.DEFAULTS.withDrain(Duration.ofSeconds(1))).withIdentity(m.nodeKey));
        m.agent = agent;
        Thread.ofVirtual().name("agent-" + m.label).start(() -> {
            try {
                agent.run();
            } catch (Exception ignored) {
                // stopped by the test
            }
        });
    }

    /** The member's hub dies: its HTTP server stops mid-answer, no unannounce; its node agent is stopped too. */
    void kill(Member m) {
        m.hub.abort();
        m.agent.stop();
    }

    /** The member whose hub has this key. */
    Member byKey(String key) {
        return members.stream().filter(m -> m.hub != null && m.key().equals(key)).findFirst().orElseThrow();
    }

    /** A consumer's answer from the router: status, content and the receipt's worker key (null when none came). */
    record Answer(int status, String content, String worker, String body) {}

    /** One non-streamed OpenAI chat through the router, anonymous. */
    Answer chat(String model) throws IOException, InterruptedException {
        var res = http.send(chatRequest(model), HttpResponse.BodyHandlers.ofString());
        return answer(res);
    }

    /** The same chat, sent without waiting. */
    java.util.concurrent.CompletableFuture<Answer> chatAsync(String model) {
        return http.sendAsync(chatRequest(model), HttpResponse.BodyHandlers.ofString()).thenApply(FederatedNetwork::answer);
    }

    private HttpRequest chatRequest(String model) {
        String body = "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Answer answer(HttpResponse<String> res) {
        String content = null, worker = null;
        if (res.statusCode() == 200) {
            try {
                content = Json.parse(res.body()).path("choices").path(0).path("message").path("content").asText();
            } catch (IOException e) {
                content = null;
            }
            var header = res.headers().firstValue("x-lobstah-receipt");
            if (header.isPresent()) {
                try {
                    worker = SignedReceipt.fromBase64(header.get()).receipt().workerPubkey();
                } catch (ReceiptException e) {
                    worker = "unreadable";
                }
            }
        }
        return new Answer(res.statusCode(), content, worker, res.body());
    }

    /** {@code GET} on a base URL, parsed. */
    com.fasterxml.jackson.databind.JsonNode get(String base, String path) throws IOException, InterruptedException {
        var res = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.parse(res.body());
    }

    HttpResponse<String> post(String base, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String routerUrl() {
        return "http://127.0.0.1:" + router.port();
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (router != null) router.close();
        for (Member m : members) {
            if (m.agent != null) m.agent.stop();
            if (m.hub != null) m.hub.close();
            m.ollama.close();
        }
        tracker.close();
        http.close();
        for (Member m : members) delete(m.dir);
        if (routerDir != null) delete(routerDir);
    }

    /** Removes a temporary directory tree, best effort (a leftover file only wastes disk). */
    static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}

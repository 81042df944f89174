package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hub processes of one cluster (the packaged jar), each on its own port with its own data directory, all sharing a
 * Redis directory and a PostgreSQL ledger, trusting {@link Haproxy#SOURCE} as their proxy. A hub can be SIGKILLed
 * and started again on the same port and data directory (so it keeps its identity). {@link #close} kills all.
 */
final class ClusterProcesses implements AutoCloseable {
    /**
     * Three JVM starts and ledger migrations at once on a 2-core machine: 25-35 s each when other builds share it
     * (one start alone: about 5 s), so a bound well above that.
     */
    static final Duration START = Duration.ofSeconds(120);
    static final String ADMIN_TOKEN = "cluster-it-admin-token";
    /** Well above any rate this test reaches: the limits are not what is under test here. */
    static final String UNLIMITED = "1000000";

    /** One hub: {@code name} is also its server name in the balancer's configuration. */
    static final class HubProcess {
        final String name;
        final int port;
        final Path dataDir;
        Proc proc;

        HubProcess(String name, int port, Path dataDir) {
            this.name = name;
            this.port = port;
            this.dataDir = dataDir;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    final List<HubProcess> hubs = new ArrayList<>();
    private final String redis;
    private final String ledger;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    ClusterProcesses(int count, String redis, String ledger) throws Exception {
        this.redis = redis;
        this.ledger = ledger;
        for (int i = 1; i <= count; i++) hubs.add(new HubProcess("hub" + i, FreePorts.one(), Files.createTempDirectory("idleclaw-cluster-hub" + i)));
    }

    List<Integer> ports() {
        return hubs.stream().map(h -> h.port).toList();
    }

    HubProcess hub(String name) {
        return hubs.stream().filter(h -> h.name.equals(name)).findFirst().orElseThrow(() -> new AssertionError("no hub " + name));
    }

    /** Starts every hub at once and waits until each answers /health. */
    void startAll() throws Exception {
        for (HubProcess h : hubs) launch(h);
        for (HubProcess h : hubs) awaitHealthy(h);
    }

    /** Starts {@code h} (again) and waits until it answers /health. */
    void start(HubProcess h) throws Exception {
        launch(h);
        awaitHealthy(h);
    }

    private void launch(HubProcess h) throws Exception {
        h.proc = Proc.start(h.name, "server", "--host", "127.0.0.1", "--port", Integer.toString(h.port),
                "--data-dir", h.dataDir.toString(), "--admin-token", ADMIN_TOKEN, "--trusted-proxy", Haproxy.SOURCE,
                "--cluster", redis, "--cluster-url", h.url(), "--ledger", ledger,
                "--drain-timeout", "2", "--canary-rate", "0", "--rerun-share", "0", "--probation-checks", "0",
                "--rate-limit-chat", UNLIMITED, "--rate-limit-default", UNLIMITED, "--rate-limit-ws", UNLIMITED,
                "--max-chats-per-ip", "64", "--max-nodes-per-ip", "64", "--max-connections-per-ip", "100000");
    }

    private void awaitHealthy(HubProcess h) throws Exception {
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(h.url() + "/health").statusCode() == 200);
        } catch (RuntimeException e) {
            throw new AssertionError(h.name + " did not answer /health:\n" + h.proc.output(), e);
        }
    }

    HttpResponse<String> get(String url) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + ADMIN_TOKEN);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String url) throws Exception {
        var res = get(url);
        if (res.statusCode() != 200) throw new IllegalStateException(url + " answered " + res.statusCode() + ": " + res.body());
        return Json.parse(res.body());
    }

    /** The public keys of the nodes registered on {@code h} itself ({@code /admin/nodes} is per hub). */
    Set<String> nodeKeys(HubProcess h) throws Exception {
        Set<String> keys = new HashSet<>();
        for (JsonNode n : json(h.url() + "/admin/nodes").path("nodes")) keys.add(n.path("pubkey").asText());
        return keys;
    }

    /** The hub {@code nodeKey} is registered on right now, or null. */
    HubProcess hubOf(String nodeKey) throws Exception {
        for (HubProcess h : hubs) {
            if (h.proc != null && h.proc.process.isAlive() && nodeKeys(h).contains(nodeKey)) return h;
        }
        return null;
    }

    /** The hub's own public key: its name in the cluster directory. */
    String hubKey(HubProcess h) throws Exception {
        return json(h.url() + "/pubkey").path("pubkey").asText();
    }

    /** The model names {@code /api/tags} lists at {@code base} (a hub or the balancer). */
    Set<String> tags(String base) throws Exception {
        Set<String> names = new HashSet<>();
        for (JsonNode m : json(base + "/api/tags").path("models")) names.add(m.path("name").asText());
        return names;
    }

    int nodeCount(String base) throws Exception {
        return json(base + "/health").path("node_count").asInt();
    }

    /** How many lines of {@code h}'s log (this run of it) contain {@code text}. */
    static long logLines(HubProcess h, String text) throws Exception {
        return h.proc.output().lines().filter(l -> l.contains(text)).count();
    }

    @Override
    public void close() throws Exception {
        for (HubProcess h : hubs) if (h.proc != null) h.proc.close();
    }
}

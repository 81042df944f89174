package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
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
 * A hub process on a fixed port (so node agents find it again after a restart) and node agent processes, each with
 * its own identity file in a temp directory. {@link #close} kills whatever is still running.
 */
final class ProcessNetwork implements AutoCloseable {
    /** A JVM start plus a ledger migration (or WAL recovery) on a busy 2-core machine. */
    static final Duration START = Duration.ofSeconds(30);
    /** Well above any rate a load test reaches: the limits are not what is under test here. */
    static final String UNLIMITED = "1000000";
    /** Enough parallel chats from one address (the test) for every consumer thread. */
    static final String CHATS_PER_IP = "64";

    final Path dataDir;
    final String ledger;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Proc> nodes = new ArrayList<>();
    Proc hub;

    /** {@code ledger}: a {@code --ledger} target, or null for the default (ledger.db in the data directory). */
    ProcessNetwork(String ledger) throws Exception {
        this.dataDir = Files.createTempDirectory("idleclaw-crash");
        this.ledger = ledger;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The ledger target the hub uses, for opening it directly. */
    String ledgerTarget() {
        return ledger != null ? ledger : dataDir.resolve("ledger.db").toString();
    }

    /** Starts the hub and waits until it answers /health. */
    void startHub() throws Exception {
        var args = new ArrayList<>(List.of("server", "--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--drain-timeout", "2", "--canary-rate", "0", "--rate-limit-chat", UNLIMITED,
                "--rate-limit-default", UNLIMITED, "--rate-limit-ws", UNLIMITED, "--max-chats-per-ip", CHATS_PER_IP,
                "--max-connections-per-ip", "100000"));
        if (ledger != null) args.addAll(List.of("--ledger", ledger));
        hub = Proc.start("hub", args.toArray(String[]::new));
        await().atMost(START).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/health").statusCode() == 200);
    }

    /** Starts {@code count} node agents at once (each with its own new identity) and waits until all registered. */
    void startNodes(int count, String ollamaUrl, int maxConcurrent) throws Exception {
        for (int i = 0; i < count; i++) {
            nodes.add(Proc.start("node", "contribute", "--server", url(), "--ollama", ollamaUrl,
                    "--identity", Proc.identityFile("node" + i).toString(), "--max-concurrent", Integer.toString(maxConcurrent)));
        }
        awaitNodes(count);
    }

    void awaitNodes(int count) {
        await().atMost(START).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> json("/health").path("node_count").asInt() >= count);
    }

    HttpResponse<String> get(String path) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        var res = get(path);
        if (res.statusCode() != 200) throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + res.body());
        return Json.parse(res.body());
    }

    @Override
    public void close() throws Exception {
        for (Proc node : nodes) node.close();
        if (hub != null) hub.close();
    }
}

package dev.idleclaw.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.Hub;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.node.NodeUrls;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ollama failing under a request reaches the consumer exactly as it did when the worker's node was an agent on its
 * loopback WebSocket: each case runs on that old wiring and on the worker, each with its own stand-in Ollama.
 */
@Timeout(120)
class WorkerOllamaFailureTest {
    private static final String MODEL = WorkerFixture.MODEL;
    private static final Duration SOON = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What a consumer saw: status and body, with the per-response ids and times blanked. */
    record Seen(int status, String body) {}

    /** A case: what the stand-in does, then the consumer's request against the worker at {@code port}. */
    interface Case {
        Seen run(StandInOllama ollama, int port) throws Exception;
    }

    private static WorkerConfig config(StandInOllama ollama) throws Exception {
        var timings = NodeTimings.DEFAULTS.withHealthCache(Duration.ofMillis(100)).withDrain(Duration.ofSeconds(2));
        return WorkerConfig.of(URI.create(ollama.baseUrl()), Files.createTempDirectory("idleclaw-worker")).withListen("127.0.0.1", 0)
                .withNodeTimings(timings).withDrainTimeout(Duration.ofSeconds(2));
    }

    /** The worker as it was: its hub in the worker profile, and a node agent proving its key on the loopback listener. */
    private static Seen onTheAgentPath(Case c) throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL))) {
            var config = config(ollama);
            var identity = IdentityFile.loadOrCreate(config.identityPath(), false).identity();
            try (Hub hub = Hub.start(config.hubConfig())) {
                var agent = new NodeAgent(new NodeConfig(NodeUrls.hubUrl("ws://127.0.0.1:" + hub.nodePort() + NodeUrls.NODE_PATH),
                        config.ollama(), config.maxConcurrent(), config.nodeTimings(), identity, null));
                var thread = Thread.ofVirtual().start(() -> {
                    try {
                        agent.run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try {
                    Awaitility.await().atMost(SOON).until(() -> !Worker.models(hub).isEmpty());
                    return c.run(ollama, hub.port());
                } finally {
                    hub.close();
                    agent.stop();
                    thread.join(5000);
                }
            }
        }
    }

    private static Seen onTheWorker(Case c) throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var worker = Worker.start(config(ollama))) {
            return c.run(ollama, worker.port());
        }
    }

    private static void sameOnBothPaths(Case c) throws Exception {
        Seen before = onTheAgentPath(c), now = onTheWorker(c);
        assertThat(now).isEqualTo(before);
        assertThat(before.status() >= 400 || before.body().contains("error")).as(before.body()).isTrue();
    }

    private HttpRequest post(int port, String path, boolean stream) {
        String body = "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Seen seen(int status, String body) {
        return new Seen(status, body.replaceAll("\"(id|created_at)\":\"[^\"]*\"", "\"$1\":\"\"").replaceAll("\"created\":\\d+", "\"created\":0"));
    }

    private Case dropMidStream(String path, boolean stream) {
        return (ollama, port) -> {
            ollama.behaviour(Behaviour.defaults().withDropAfter(2));
            var r = http.send(post(port, path, stream), HttpResponse.BodyHandlers.ofString());
            return seen(r.statusCode(), r.body());
        };
    }

    @Test
    void ollamaDroppingTheConnectionMidStreamEndsTheAnswerAsBefore() throws Exception {
        sameOnBothPaths(dropMidStream("/api/chat", true));
        sameOnBothPaths(dropMidStream("/v1/chat/completions", true));
        sameOnBothPaths(dropMidStream("/v1/chat/completions", false));
    }

    @Test
    void ollamaGoingDownMidStreamEndsTheAnswerAsBefore() throws Exception {
        sameOnBothPaths((ollama, port) -> {
            ollama.behaviour(Behaviour.defaults().withHangAfter(2));
            var r = http.send(post(port, "/api/chat", true), HttpResponse.BodyHandlers.ofInputStream());
            List<String> lines = new ArrayList<>();
            try (var reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                lines.add(reader.readLine());
                lines.add(reader.readLine());
                ollama.close();
                for (String l = reader.readLine(); l != null; l = reader.readLine()) lines.add(l);
            }
            return seen(r.statusCode(), String.join("\n", lines));
        });
    }

    @Test
    void ollamaDownBeforeTheRequestIsRefusedAsBefore() throws Exception {
        sameOnBothPaths((ollama, port) -> {
            ollama.close();
            Thread.sleep(300); // past the health cache
            var r = http.send(post(port, "/v1/chat/completions", false), HttpResponse.BodyHandlers.ofString());
            return seen(r.statusCode(), r.body());
        });
    }
}

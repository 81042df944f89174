package dev.idleclaw.worker;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A real worker on 127.0.0.1 port 0 in front of a stand-in Ollama, with a JDK HTTP client to call it. */
final class WorkerFixture implements AutoCloseable {
    static final String MODEL = "llama3.2:3b";

    final StandInOllama ollama;
    final Path dataDir;
    final Worker worker;
    final HttpClient http = HttpClient.newHttpClient();

    WorkerFixture() throws Exception {
        this(c -> c);
    }

    WorkerFixture(UnaryOperator<WorkerConfig> change) throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        dataDir = Files.createTempDirectory("idleclaw-worker");
        var timings = NodeTimings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withHealthCache(Duration.ofMillis(100)).withDrain(Duration.ofSeconds(2));
        var config = WorkerConfig.of(URI.create(ollama.baseUrl()), dataDir).withListen("127.0.0.1", 0).withNodeTimings(timings)
                .withDrainTimeout(Duration.ofSeconds(2)).withHub(b -> b.queueTimeout = Duration.ofSeconds(3));
        try {
            worker = Worker.start(change.apply(config));
        } catch (Exception e) {
            ollama.close();
            throw e;
        }
    }

    String url() {
        return "http://127.0.0.1:" + worker.port();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with optional extra headers (e.g. a bare {@code x-lobstah-requester}). */
    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(req::header);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A POST signed by {@code requester} (our signed-request extension): a verified requester. */
    HttpResponse<String> signedPost(String path, String body, Identity requester) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(url() + path);
        return post(path, body, RequestSignature.sign(requester, "POST", path, RequestSignature.hostHeader(uri), bytes,
                System.currentTimeMillis()));
    }

    static String chat(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            ollama.close();
        }
    }
}

package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.LocalOllamaBackend;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.worker.Worker;
import dev.idleclaw.worker.WorkerConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code idleclaw worker} serving its Ollama in process: chats and embeddings run through a {@link LocalOllamaBackend}
 * registered under the worker's key, no node connection is ever opened, and a consumer's cancel reaches Ollama.
 */
@Timeout(60)
class LocalOllamaBackendTest {
    private static final String CHAT = "llama3.2:3b", EMBED = "nomic-embed-text";
    private static final Duration SOON = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StandInOllama ollama;
    private Worker worker;

    @BeforeEach
    void start() throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(CHAT)).model(StandInModel.of(EMBED));
        var timings = NodeTimings.DEFAULTS.withHealthCache(Duration.ofMillis(100)).withDrain(Duration.ofSeconds(2));
        worker = Worker.start(WorkerConfig.of(URI.create(ollama.baseUrl()), Files.createTempDirectory("idleclaw-worker"))
                .withListen("127.0.0.1", 0).withNodeTimings(timings).withDrainTimeout(Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        try {
            if (worker != null) worker.close();
        } finally {
            ollama.close();
        }
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"" + CHAT + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private NodeLink onlyLink() {
        assertThat(worker.hub().registry().registered()).hasSize(1);
        return worker.hub().registry().registered().getFirst();
    }

    @Test
    void theWorkersOwnNodeIsRegisteredInProcessWithWhatItsAgentWouldRegister() {
        NodeLink link = onlyLink();
        assertThat(link.backend()).isInstanceOf(LocalOllamaBackend.class);
        assertThat(link.pubkey()).isEqualTo(worker.publicKey());
        var r = link.registration();
        assertThat(r.models()).extracting(m -> m.name()).containsExactlyInAnyOrder(CHAT, EMBED + ":latest");
        assertThat(link.contextLength(CHAT)).isEqualTo(StandInModel.DEFAULT_CONTEXT_LENGTH);
        assertThat(r.models().stream().filter(m -> m.name().equals(CHAT)).findFirst().orElseThrow().capabilities()).contains("tools");
        assertThat(r.maxConcurrent()).isEqualTo(worker.config().maxConcurrent());
        assertThat(r.ollamaVersion()).isEqualTo(StandInOllama.DEFAULT_VERSION);
        assertThat(r.features()).containsExactly("embed");
        assertThat(r.limits()).isEqualTo(dev.idleclaw.wire.NodeLimits.AGENT);
        assertThat(link.maskedIp()).isEqualTo("127.0.x.x");
    }

    @Test
    void chatsAndEmbeddingsAreServedWithoutANodeConnection() throws Exception {
        var plain = http.send(post("/v1/chat/completions", chat(false)), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(Json.parse(plain.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello from the stand-in.");
        var receipt = SignedReceipt.fromBase64(plain.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(receipt.receipt().workerPubkey()).isEqualTo(worker.publicKey());

        var streamed = http.send(post("/api/chat", chat(true)), HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(200);
        var lines = streamed.body().lines().map(l -> {
            try {
                return Json.parse(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(lines.stream().map(l -> l.at("/message/content").asText()).reduce("", String::concat)).isEqualTo("Hello from the stand-in.");
        assertThat(lines.getLast().path("done").asBoolean()).isTrue();

        var embedded = http.send(post("/api/embed", "{\"model\":\"" + EMBED + "\",\"input\":[\"first\"]}"), HttpResponse.BodyHandlers.ofString());
        assertThat(embedded.statusCode()).as(embedded.body()).isEqualTo(200);
        JsonNode vector = Json.parse(embedded.body()).at("/embeddings/0");
        float[] expected = Embeddings.vector("first", vector.size());
        assertThat(vector.size()).isPositive();
        for (int i = 0; i < expected.length; i++) assertThat(vector.get(i).floatValue()).isEqualTo(expected[i]);

        assertThat(worker.hub().nodeSocket().connections()).isEmpty();
        assertThat(onlyLink().backend()).isInstanceOf(LocalOllamaBackend.class);
        assertThat(worker.hub().stats().strayMessages()).isZero();
    }

    @Test
    void aConsumerLeavingMidStreamCancelsTheOllamaStream() throws Exception {
        ollama.behaviour(Behaviour.defaults().withTokenCount(500).withDelayPerToken(Duration.ofMillis(50)));
        var response = http.send(post("/api/chat", chat(true)), HttpResponse.BodyHandlers.ofInputStream());
        var request = ollama.awaitRequest("/api/chat", SOON);
        try (InputStream body = response.body()) {
            var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            assertThat(Json.parse(reader.readLine()).path("done").asBoolean()).isFalse();
            assertThat(ollama.openStreams()).isEqualTo(1);
        }
        request.connectionClosed().get(SOON.toSeconds(), TimeUnit.SECONDS);
        await().atMost(SOON).until(() -> ollama.openStreams() == 0);
        await().atMost(SOON).until(() -> worker.hub().stats().active() == 0 && onlyLink().activeRequests() == 0);
    }

    @Test
    void closingTheWorkerTakesItsNodeOut() {
        NodeLink link = onlyLink();
        worker.close();
        assertThat(link.isClosed()).isTrue();
        assertThat(worker.hub().registry().registered()).isEmpty();
    }
}

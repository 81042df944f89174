package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's {@code tracker}, {@code worker} and {@code router} commands as separate processes: the worker
 * announces itself to the tracker, answers a chat with a receipt, and a router with a peers file forwards to it.
 */
class LobstahCommandsIT {
    /** A JVM start (plus a ledger migration for worker and router) on a busy 2-core machine. */
    private static final Duration START = Duration.ofSeconds(30);
    private static final String MODEL = "m:1";
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (var c : running.reversed()) c.close();
    }

    @Test
    void aWorkerAnnouncedToATrackerServesDirectlyAndThroughARouter() throws Exception {
        var ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        running.add(ollama);
        Path home = Files.createTempDirectory("idleclaw-lobstah-home");
        int trackerPort = freePort(), workerPort = freePort(), routerPort = freePort();
        String tracker = "http://127.0.0.1:" + trackerPort, worker = "http://127.0.0.1:" + workerPort;

        start(home, "tracker", "tracker", "--port", Integer.toString(trackerPort), "--local");
        await().atMost(START).ignoreExceptions().until(() -> get(tracker + "/").statusCode() == 200);

        start(home, "worker", "worker", "--port", Integer.toString(workerPort), "--ollama", ollama.baseUrl(),
                "--data-dir", Files.createTempDirectory("idleclaw-worker").toString(),
                "--announce-to", tracker, "--announce-url", worker);
        await().atMost(START).ignoreExceptions().until(() -> get(worker + "/pubkey").statusCode() == 200);
        String workerKey = Json.parse(get(worker + "/pubkey").body()).path("pubkey").asText();
        assertThat(workerKey).startsWith("lob1");

        // The tracker accepted the worker's announcement and lists it.
        await().atMost(START).until(() -> peerUrls(Json.parse(get(tracker + "/peers").body()), workerKey).contains(worker));

        // The worker answers a chat itself, with a receipt it signed.
        var direct = post(worker + "/v1/chat/completions", CHAT);
        assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
        assertThat(Json.parse(direct.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello from the stand-in.");
        var receipt = SignedReceipt.fromBase64(direct.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(receipt.signatureValid()).isTrue();
        assertThat(receipt.receipt().workerPubkey()).isEqualTo(workerKey);
        assertThat(receipt.receipt().model()).isEqualTo(MODEL);

        // A router with the worker in its peers file lists its model and forwards a chat to it.
        Path peers = Files.createTempDirectory("idleclaw-router-peers").resolve("peers.json");
        Files.writeString(peers, "[{\"pubkey\":\"" + workerKey + "\",\"url\":\"" + worker + "\"}]");
        String router = "http://127.0.0.1:" + routerPort;
        start(home, "router", "router", "--port", Integer.toString(routerPort), "--peers", peers.toString(), "--local",
                "--data-dir", Files.createTempDirectory("idleclaw-router").toString());
        await().atMost(START).ignoreExceptions()
                .until(() -> Json.parse(get(router + "/v1/models").body()).path("data").findValuesAsText("id").contains(MODEL));
        int chatsBefore = ollama.requests().size();
        var routed = post(router + "/v1/chat/completions", CHAT);
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        assertThat(Json.parse(routed.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello from the stand-in.");
        assertThat(ollama.requests().size()).as("the router's chat reached the worker's Ollama").isGreaterThan(chatsBefore);
    }

    private void start(Path home, String name, String... args) throws Exception {
        // $HOME and user.home both point into a temp directory: nothing is read from or written to the real home.
        running.add(Proc.start(name, Map.of("HOME", home.toString()), List.of("-Duser.home=" + home), args));
    }

    private static List<String> peerUrls(JsonNode peers, String key) {
        var urls = new ArrayList<String>();
        for (JsonNode p : peers.path("peers")) {
            if (key.equals(p.at("/announcement/pubkey").asText(p.path("pubkey").asText()))) {
                urls.add(p.at("/announcement/url").asText(p.path("url").asText()));
            }
        }
        return urls;
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

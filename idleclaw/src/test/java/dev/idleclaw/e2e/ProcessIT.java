package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as separate hub and node processes, driven over the network and by the CLI. */
class ProcessIT {
    static final Duration START = Duration.ofSeconds(30);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int port;
    Proc hub;

    @BeforeEach
    void startHub() throws Exception {
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        hub = startHubProcess();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (hub != null) hub.close();
    }

    private Proc startHubProcess() throws Exception {
        Proc p = Proc.start("hub", "server", "--port", Integer.toString(port),
                "--data-dir", Files.createTempDirectory("idleclaw-hub").toString(), "--drain-timeout", "5");
        try {
            await().atMost(START).ignoreExceptions().until(() -> get("/health").statusCode() == 200);
        } catch (RuntimeException e) {
            p.close(); // a hub that never answered must not outlive the test
            throw e;
        }
        return p;
    }

    private String url() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int nodeCount() throws Exception {
        return Json.parse(get("/health").body()).path("node_count").asInt();
    }

    private Proc startNode(StandInOllama ollama) throws Exception {
        int before = nodeCount();
        Proc p = Proc.start("node", "contribute", "--server", url(), "--ollama", ollama.baseUrl(),
                "--identity", Proc.identityFile("node").toString());
        try {
            await().atMost(START).until(() -> nodeCount() > before);
        } catch (RuntimeException e) {
            p.close(); // a node that never registered must not outlive the test
            throw e;
        }
        return p;
    }

    private String chat(String model) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url() + "/api/chat")).header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void statusAndConsumeWorkAgainstSeparateHubAndNodeProcesses() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("llama3.2:3b")); var node = startNode(ollama)) {
            Cli status = Proc.run("status", "--server", url());
            assertThat(status.exit()).as(status.out()).isZero();
            assertThat(status.out()).contains("ONLINE").containsPattern("llama3.2:3b\\s+1 node");
            Cli consume = Proc.run("consume", "--server", url(), "--model", "llama3.2:3b", "--prompt", "hello");
            assertThat(consume.exit()).as(consume.out()).isZero();
            assertThat(consume.out()).contains("Hello from the stand-in.");
            assertThat(node.stop()).as("node exit after SIGTERM").isIn(0, 143);
            assertThat(node.output()).contains("node stopped");
        }
    }

    @Test
    void nodeKilledMidStreamEndsTheAnswerWithAnErrorAndDone() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1"))
                .behaviour(Behaviour.defaults().withTokenCount(100).withDelayPerToken(Duration.ofMillis(100)));
             var node = startNode(ollama)) {
            var killer = Thread.ofVirtual().start(() -> {
                try {
                    ollama.awaitRequest("/api/chat", Duration.ofSeconds(10));
                    Thread.sleep(500);
                    node.kill();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            String body = chat("m:1");
            killer.join();
            assertThat(body).contains("\"content\":\"tok0 \"").contains("disconnected]").endsWith("data: [DONE]\r\n\r\n");
        }
    }

    @Test
    void nodeKilledBeforeItsFirstTokenIsReplacedByAnotherNode() throws Exception {
        try (var stuck = StandInOllama.start().model(StandInModel.of("m:1")).behaviour(Behaviour.defaults().withHangAfter(0));
             var healthy = StandInOllama.start().model(StandInModel.of("m:1"));
             var first = startNode(stuck)) {
            var answer = Thread.ofVirtual().start(() -> {});
            String[] body = new String[1];
            answer = Thread.ofVirtual().start(() -> {
                try {
                    body[0] = chat("m:1");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            stuck.awaitRequest("/api/chat", Duration.ofSeconds(10));
            try (var second = startNode(healthy)) {
                first.kill();
                answer.join(Duration.ofSeconds(20));
                assertThat(body[0]).contains("Hello").doesNotContain("[Error").endsWith("data: [DONE]\r\n\r\n");
            }
        }
    }

    @Test
    void nodeReRegistersWithinSecondsAfterTheHubRestarts() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1")); var node = startNode(ollama)) {
            assertThat(hub.stop()).isIn(0, 143);
            hub = startHubProcess();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> nodeCount() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            assertThat(chat("m:1")).contains("Hello");
        }
    }
}

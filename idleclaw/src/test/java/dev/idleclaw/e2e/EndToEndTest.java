package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The whole path in one JVM: CLI → hub → real node agent → stand-in Ollama, and back. */
class EndToEndTest {

    @Test
    void consumeStreamsTheAnswerOfARealNode() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("llama3.2:3b")); var net = new Network()) {
            net.addNode(ollama);
            Cli cli = Cli.run("consume", "--server", net.url(), "--model", "llama3.2:3b", "--prompt", "Say hello");
            assertThat(cli.exit()).as(cli.err()).isZero();
            assertThat(cli.out()).isEqualTo("Hello from the stand-in.\n");
            var sent = Json.parse(ollama.awaitRequest("/api/chat", Duration.ofSeconds(5)).body());
            assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("Say hello");
            assertThat(sent.path("stream").asBoolean()).isTrue();
        }
    }

    @Test
    void consumeShowsReasoningOnStderrForThinkingModels() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("qwen3:8b")); var net = new Network()) {
            net.addNode(ollama);
            Cli cli = Cli.run("consume", "--server", net.url(), "--model", "qwen3:8b", "--prompt", "hi", "--think");
            assertThat(cli.exit()).as(cli.err()).isZero();
            assertThat(cli.err()).contains("The user greets me.");
            assertThat(cli.out()).isEqualTo("Hello from the stand-in.\n");
        }
    }

    @Test
    void statusListsModelsWithTheirNodeCounts() throws Exception {
        try (var a = StandInOllama.start().model(StandInModel.of("llama3.2:3b")).model(StandInModel.of("qwen3:8b"));
             var b = StandInOllama.start().model(StandInModel.of("llama3.2:3b")); var net = new Network()) {
            net.addNode(a);
            net.addNode(b);
            Cli cli = Cli.run("status", "--server", net.url());
            assertThat(cli.exit()).isZero();
            assertThat(cli.out()).contains("ONLINE").contains("nodes connected: 2")
                    .containsPattern("llama3.2:3b\\s+2 nodes").containsPattern("qwen3:8b\\s+1 node\\b");
        }
    }

    @Test
    void statusAndConsumeFailClearlyWhenTheHubIsDown() throws Exception {
        String dead;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Cli status = Cli.run("status", "--server", dead);
        assertThat(status.exit()).isEqualTo(1);
        assertThat(status.out()).contains("OFFLINE");
        Cli consume = Cli.run("consume", "--server", dead, "--model", "m", "--prompt", "hi");
        assertThat(consume.exit()).isEqualTo(1);
        assertThat(consume.err().strip()).startsWith("idleclaw consume: cannot reach hub").doesNotContain("\n");
    }

    @Test
    void consumeExitsNonZeroOnUnknownModelAndOnInBandErrors() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1"))
                .behaviour(Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR)); var net = new Network()) {
            net.addNode(ollama);
            Cli missing = Cli.run("consume", "--server", net.url(), "--model", "other:1", "--prompt", "hi");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("HTTP 503: No nodes available with model other:1");
            Cli broken = Cli.run("consume", "--server", net.url(), "--model", "m:1", "--prompt", "hi");
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.out()).startsWith("Hello from");
            assertThat(broken.err()).contains("the model failed while answering");
        }
    }

    @Test
    void ollamaGoingDownTurnsIntoAnInBandErrorAndTheNodeStaysConnected() throws Exception {
        var ollama = StandInOllama.start().model(StandInModel.of("m:1"));
        try (var net = new Network()) {
            net.addNode(ollama);
            ollama.close();
            Cli cli = Cli.run("consume", "--server", net.url(), "--model", "m:1", "--prompt", "hi");
            assertThat(cli.exit()).isEqualTo(1);
            assertThat(cli.err()).contains("model server is unavailable");
            assertThat(net.hub.registry().registered()).hasSize(1);
        }
    }

    @Test
    void nodeReRegistersAfterTheHubRestarts() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1")); var net = new Network()) {
            net.addNode(ollama);
            int port = net.hub.port();
            net.hub.close();
            net.startHub(port);
            await().atMost(Duration.ofSeconds(8)).until(() -> net.hub.registry().registered().size() == 1);
            Cli cli = Cli.run("consume", "--server", net.url(), "--model", "m:1", "--prompt", "hi");
            assertThat(cli.exit()).as(cli.err()).isZero();
        }
    }

    @Test
    void cancelFromTheHubStopsTheOllamaGeneration() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of("m:1"))
                .behaviour(Behaviour.defaults().withTokenCount(10_000).withDelayPerToken(Duration.ofMillis(5)));
             var net = new Network()) {
            net.addNode(ollama);
            var http = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(net.url() + "/api/chat"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}")).build();
            var res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            try (var in = res.body()) {
                in.readNBytes(200);
                await().atMost(Duration.ofSeconds(5)).until(() -> ollama.openStreams() == 1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ollama.openStreams() == 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> net.nodes.getFirst().activeRequests() == 0);
        }
    }
}

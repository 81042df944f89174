package dev.idleclaw.clients.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "done": the official OpenAI SDK pointed at a router's {@code /v1} keeps getting answers while the hubs
 * behind it come and go, and every answer is backed by a verified receipt in the router's own ledger.
 */
@Timeout(90)
class OpenAiJavaRouterTest {
    private static final String MODEL = "llama3.2:3b";

    private static Hub hub(Path dir, Path peers, boolean nodes) {
        return HubFixture.on(dir, c -> {
            c.peersFile = peers;
            c.localPeers = true;
            c.nodeListener = nodes;
            c.queueTimeout = Duration.ofSeconds(3);
            c.drainTimeout = Duration.ofSeconds(1);
            c.peerCapacityTtl = Duration.ofMillis(500);
            c.peerCooldown = Duration.ofSeconds(2);
            c.chatRpm = 10_000;
            c.maxChatsPerIp = 100;
        }).hub;
    }

    private static NodeAgent node(Hub hub, StandInOllama ollama) {
        var agent = new NodeAgent(NodeConfig.of("http://127.0.0.1:" + hub.port(), ollama.baseUrl().toString(), 2)
                .withTimings(NodeTimings.DEFAULTS.withDrain(Duration.ofSeconds(1))).withIdentity(Identity.generate()));
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (Exception ignored) {
                // stopped by the test
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !hub.registry().registered().isEmpty());
        return agent;
    }

    @Test
    void theSdkKeepsGettingAnswersThroughTheRouterWhileHubsComeAndGo() throws Exception {
        Path routerDir = Files.createTempDirectory("router"), peers = routerDir.resolve("peers.json");
        Files.writeString(peers, "[]\n");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try (var ollamaA = StandInOllama.start().model(StandInModel.of(MODEL));
             var ollamaB = StandInOllama.start().model(StandInModel.of(MODEL))) {
            Hub a = hub(Files.createTempDirectory("hub-a"), null, true), b = hub(Files.createTempDirectory("hub-b"), null, true);
            Hub router = hub(routerDir, peers, false);
            cleanup.add(router::close);
            cleanup.add(b::close);
            cleanup.add(a::close);
            var nodeA = node(a, ollamaA);
            var nodeB = node(b, ollamaB);
            cleanup.add(nodeA::stop);
            cleanup.add(nodeB::stop);
            Files.writeString(peers, "[\n  {\"pubkey\": \"" + a.publicKey() + "\", \"url\": \"http://127.0.0.1:" + a.port() + "\"},\n"
                    + "  {\"pubkey\": \"" + b.publicKey() + "\", \"url\": \"http://127.0.0.1:" + b.port() + "\"}\n]\n");
            await().atMost(Duration.ofSeconds(15)).until(() -> router.registry().registered().size() == 2);

            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + router.port() + "/v1")
                    .apiKey("local").maxRetries(0).timeout(Duration.ofSeconds(30)).build();
            cleanup.add(client::close);
            var ask = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello").build();
            assertThat(client.models().list().data()).anyMatch(m -> m.id().equals(MODEL));

            for (int i = 0; i < 4; i++) {
                assertThat(client.chat().completions().create(ask).choices().getFirst().message().content()).contains("Hello from the stand-in.");
            }
            try (var stream = client.chat().completions().createStreaming(ask)) {
                var text = new StringBuilder();
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
                assertThat(text.toString()).isEqualTo("Hello from the stand-in.");
            }

            a.close(); // a hub goes away
            for (int i = 0; i < 4; i++) {
                assertThat(client.chat().completions().create(ask).choices().getFirst().message().content()).contains("Hello from the stand-in.");
            }
            var ledger = router.ledger();
            assertThat(ledger.totals().receipts()).isEqualTo(9);
            assertThat(ledger.recent(20)).allMatch(r -> r.signatureValid()
                    && (r.receipt().workerPubkey().equals(a.publicKey()) || r.receipt().workerPubkey().equals(b.publicKey()))
                    && r.receipt().requesterPubkey().equals(router.publicKey()));
        } finally {
            for (var c : cleanup.reversed()) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}

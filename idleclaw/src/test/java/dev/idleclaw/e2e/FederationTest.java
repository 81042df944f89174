package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.receipt.SignedReceipt;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A router in front of a hub: the hub's node answers, receipts come back signed by the hub, loops are refused. */
@Timeout(60)
class FederationTest {
    private static final String MODEL = "llama3.2:3b";
    private final HttpClient http = HttpClient.newHttpClient();

    private static Hub hub(Path dir, Path peers, boolean nodeListener) {
        return HubFixture.on(dir, c -> {
            c.peersFile = peers;
            c.localPeers = true;
            c.nodeListener = nodeListener;
            c.queueTimeout = Duration.ofSeconds(3);
            c.drainTimeout = Duration.ofSeconds(1);
        }).hub;
    }

    private static void peers(Path file, String pubkey, String url) throws Exception {
        Files.writeString(file, "[\n  {\n    \"pubkey\": \"" + pubkey + "\",\n    \"url\": \"" + url + "\"\n  }\n]\n");
    }

    @Test
    void aRouterForwardsToAHubWhoseReceiptItVerifiesAndRecords() throws Exception {
        Path dirA = Files.createTempDirectory("router"), dirB = Files.createTempDirectory("hub-b");
        Path peersA = dirA.resolve("peers.json"), peersB = dirB.resolve("peers.json");
        Files.writeString(peersA, "[]\n");
        Files.writeString(peersB, "[]\n");
        Identity nodeKey = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL))) {
            Hub b = hub(dirB, peersB, true), a = hub(dirA, peersA, false);
            var agent = new NodeAgent(NodeConfig.of("http://127.0.0.1:" + b.port(), ollama.baseUrl().toString(), 2)
                    .withTimings(NodeTimings.DEFAULTS.withDrain(Duration.ofSeconds(1))).withIdentity(nodeKey));
            Thread.ofVirtual().start(() -> {
                try {
                    agent.run();
                } catch (Exception ignored) {
                    // the test stops it
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> b.registry().registered().size() == 1);
                peers(peersA, b.publicKey(), "http://127.0.0.1:" + b.port());
                peers(peersB, a.publicKey(), "http://127.0.0.1:" + a.port()); // B trusts A's word for whom it acts
                await().atMost(Duration.ofSeconds(10)).until(() -> a.catalog().find(MODEL).isPresent());

                String body = "{\"model\":\"" + MODEL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
                var res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(Json.parse(res.body()).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Hello from the stand-in.");
                SignedReceipt r = SignedReceipt.fromBase64(res.headers().firstValue("x-lobstah-receipt").orElseThrow());
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.receipt().workerPubkey()).isEqualTo(b.publicKey());
                assertThat(r.receipt().requesterPubkey()).isEqualTo(a.publicKey());
                assertThat(a.ledger().totals().receipts()).isEqualTo(1);
                assertThat(a.ledger().account(b.publicKey()).earned()).isEqualTo(r.receipt().tokens());
                assertThat(a.ledger().account(a.publicKey()).spent()).as("the router pays for its anonymous local user").isEqualTo(r.receipt().tokens());
                // b's node is a new key on probation: what it earns is held (docs/trust.md); a peer hub is never on probation.
                assertThat(b.ledger().account(nodeKey.publicKey()).held()).isEqualTo(r.receipt().tokens());

                var peerList = Json.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/peers")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(peerList.get(0).path("pubkey").asText()).isEqualTo(b.publicKey());
            } finally {
                agent.stop();
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aForwardedRequestThatAlreadyCrossedThisHubIsRefusedAsALoop() throws Exception {
        Path dir = Files.createTempDirectory("hub-loop");
        Hub hub = hub(dir, null, true);
        try {
            Identity other = Identity.generate();
            String path = "/v1/chat/completions";
            URI uri = URI.create("http://127.0.0.1:" + hub.port() + path);
            byte[] body = ("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
            var headers = ForwardSignature.sign(other, "POST", path, RequestSignature.hostHeader(uri), body, "anonymous",
                    List.of(hub.publicKey()), System.currentTimeMillis());
            var req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            headers.forEach(req::header);
            var res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(508);
            assertThat(res.body()).contains("loop detected");
        } finally {
            hub.close();
        }
    }
}

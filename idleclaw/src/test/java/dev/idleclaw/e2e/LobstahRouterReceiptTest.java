package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An original Lobstah router with our hub (a hub with a node) as its peer: it sends a bare
 * {@code x-lobstah-requester} naming itself and accepts only receipts naming it as requester. The hub's receipts pass
 * the router's rules ({@link LobstahRouterRules}, independent of our receipt code), name the hub as the worker it
 * called, and the unproved requester is never debited in the hub's ledger.
 */
@Timeout(60)
class LobstahRouterReceiptTest {
    private static final String MODEL = "llama3.2:3b";
    private static final Pattern SSE_RECEIPT = Pattern.compile("(?m)^:lobstah-receipt:(\\S+)$");
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Identity nodeKey = Identity.generate();
    private static final String routerKey = Identity.generate().publicKey();
    private static StandInOllama ollama;
    private static Hub hub;
    private static NodeAgent agent;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("hub-for-lobstah");
        ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        hub = HubFixture.on(dir, c -> {
            c.canaryRate = 0;
            c.drainTimeout = Duration.ofSeconds(1);
        }).hub;
        agent = new NodeAgent(NodeConfig.of("http://127.0.0.1:" + hub.port(), ollama.baseUrl().toString(), 2)
                .withTimings(NodeTimings.DEFAULTS.withDrain(Duration.ofSeconds(1))).withIdentity(nodeKey));
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (Exception ignored) {
                // stopped by the test
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.registry().registered().size() == 1);
    }

    @AfterAll
    static void stop() {
        agent.stop();
        hub.close();
        ollama.close();
        FederatedNetwork.delete(dir);
    }

    private static HttpResponse<String> chat(boolean stream, String requester) throws Exception {
        var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"));
        if (requester != null) req.header("x-lobstah-requester", requester);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sseReceipt(HttpResponse<String> res) {
        var m = SSE_RECEIPT.matcher(res.body());
        assertThat(m.find()).as(res.body()).isTrue();
        return m.group(1);
    }

    @Test
    void aLobstahRouterAcceptsTheHubsStreamedAndWholeReceiptsAndIsNeverDebited() throws Exception {
        var rules = new LobstahRouterRules(routerKey);
        long earnedBefore = hub.ledger().account(nodeKey.publicKey()).earned();

        var streamed = chat(true, routerKey);
        assertThat(streamed.statusCode()).isEqualTo(200);
        String streamedReceipt = sseReceipt(streamed);
        assertThat(streamed.body()).as("LF-only events, receipt right before [DONE]")
                .doesNotContain("\r").contains(":lobstah-receipt:" + streamedReceipt + "\n\ndata: [DONE]\n\n");
        assertThat(rules.reject(streamedReceipt)).isNull();

        var whole = chat(false, routerKey);
        assertThat(whole.statusCode()).isEqualTo(200);
        String wholeReceipt = whole.headers().firstValue("x-lobstah-receipt").orElseThrow();
        assertThat(rules.reject(wholeReceipt)).isNull();
        assertThat(rules.reject(wholeReceipt)).as("the checker is not a rubber stamp").isEqualTo("nonce replay");

        for (String b64 : new String[] {streamedReceipt, wholeReceipt}) {
            var r = SignedReceipt.fromBase64(b64).receipt();
            assertThat(r.workerPubkey()).as("signed by the hub the router called").isEqualTo(hub.publicKey());
            assertThat(r.requesterPubkey()).isEqualTo(routerKey);
        }
        assertThat(hub.ledger().account(routerKey).spent()).as("a bare header proves nothing: never debited").isZero();
        assertThat(hub.ledger().account(nodeKey.publicKey()).earned()).as("nobody paid, so nobody earns").isEqualTo(earnedBefore);
        assertThat(hub.ledger().account(nodeKey.publicKey()).receipts()).as("but the receipts are kept").isGreaterThanOrEqualTo(2);
    }

    @Test
    void withoutTheHeaderOrWithAMalformedOneTheReceiptNamesNoRouterAndARouterRefusesIt() throws Exception {
        var rules = new LobstahRouterRules(routerKey);
        assertThat(rules.reject(sseReceipt(chat(true, null)))).isEqualTo("requester mismatch");
        var malformed = chat(false, "lob1-not-a-key");
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(SignedReceipt.fromBase64(malformed.headers().firstValue("x-lobstah-receipt").orElseThrow())
                .receipt().requesterPubkey()).isEqualTo("anonymous");
    }
}

package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.SignedReceipt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our router in front of a Lobstah worker that signs with an independent Ed25519 implementation ({@link LobstahPeer}):
 * its honest receipts are accepted and recorded, its forged ones are refused with the reason counted, and the
 * consumer gets the answer either way. (The other direction, our worker's receipts verifying with the JDK's Ed25519
 * and a test-local canonicaliser, is {@code worker.WorkerApiTest}.)
 */
@Timeout(60)
class LobstahInteropTest {
    private static final String MODEL = "lobstah-model:7b";
    private static final String ANSWER = String.join("", LobstahPeer.PIECES);
    private static final long TOKENS = LobstahPeer.PROMPT_TOKENS + LobstahPeer.COMPLETION_TOKENS;

    private final HttpClient http = HttpClient.newHttpClient();
    private LobstahPeer peer;
    private Hub router;
    private Path dir;

    @BeforeEach
    void start() throws Exception {
        peer = new LobstahPeer(MODEL);
        dir = Files.createTempDirectory("interop-router");
        Path peers = dir.resolve("peers.json");
        Files.writeString(peers, "[\n  {\n    \"pubkey\": \"" + peer.pubkey() + "\",\n    \"url\": \"" + peer.url()
                + "\",\n    \"label\": \"lobstah\"\n  }\n]\n");
        router = HubFixture.on(dir, c -> {
            c.nodeListener = false;
            c.peersFile = peers;
            c.localPeers = true;
            c.chatRpm = 6_000;
            c.maxChatsPerIp = 64;
            c.maxConnectionsPerIp = 100_000;
            c.canaryRate = 0;
            c.drainTimeout = Duration.ofSeconds(1);
        }).hub;
        await().atMost(Duration.ofSeconds(10)).until(() -> router.catalog().find(MODEL).isPresent());
    }

    @AfterEach
    void stop() {
        if (router != null) router.close();
        if (peer != null) peer.close();
        if (dir != null) FederatedNetwork.delete(dir);
    }

    private HttpResponse<String> chat(boolean stream) throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private double receiptsCounted(String outcome) {
        var m = Pattern.compile("idleclaw_receipts_total\\{[^}]*outcome=\"" + Pattern.quote(outcome) + "\"[^}]*}\\s+(\\S+)")
                .matcher(router.metrics().scrape("text/plain"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void independentlySignedReceiptsAreAcceptedAndRecordedForStreamedAndWholeAnswers() throws Exception {
        var whole = chat(false);
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(Json.parse(whole.body()).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
        SignedReceipt passedOn = SignedReceipt.fromBase64(whole.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(passedOn.signatureValid()).as("a JDK signature verifies with our Bouncy Castle code").isTrue();
        assertThat(passedOn.receipt().workerPubkey()).isEqualTo(peer.pubkey());
        assertThat(passedOn.receipt().requesterPubkey()).isEqualTo(router.publicKey());

        var streamed = chat(true);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains(":lobstah-receipt:").contains("data: [DONE]");

        assertThat(peer.seen).hasSize(2).allSatisfy(s -> {
            assertThat(s.requester()).as("x-lobstah-requester").isEqualTo(router.publicKey());
            assertThat(s.body().path("stream").asBoolean()).as("the router always streams from peers").isTrue();
        });
        assertThat(router.ledger().totals().receipts()).isEqualTo(2);
        assertThat(router.ledger().account(peer.pubkey()).earned()).isEqualTo(2 * TOKENS);
        assertThat(receiptsCounted("accepted")).isEqualTo(2.0);
    }

    @Test
    void theFakePeersWholeAnswerCarriesAHeaderReceiptOurCodeVerifies() throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var res = http.send(HttpRequest.newBuilder(URI.create(peer.url() + "/v1/chat/completions"))
                .header("x-lobstah-requester", router.publicKey()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        SignedReceipt r = SignedReceipt.fromBase64(res.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.receipt().requesterPubkey()).isEqualTo(router.publicKey());
        assertThat(r.receipt().tokens()).isEqualTo(TOKENS);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "FOREIGN_KEY, worker key mismatch",
            "BAD_SIGNATURE, bad signature",
            "WRONG_MODEL, job or model mismatch",
            "OVERCLAIM, implausible token counts"})
    void aForgedReceiptEarnsNothingIsCountedByReasonAndTheConsumerStillGetsTheAnswer(LobstahPeer.Forgery forgery, String reason)
            throws Exception {
        peer.forge = forgery;
        for (boolean stream : new boolean[] {false, true}) {
            var res = chat(stream);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            if (stream) {
                assertThat(res.body()).contains("Lobstah").doesNotContain(":lobstah-receipt:");
            } else {
                assertThat(Json.parse(res.body()).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
                assertThat(res.headers().firstValue("x-lobstah-receipt")).isEmpty();
            }
        }
        assertThat(router.ledger().totals().receipts()).isZero();
        assertThat(router.ledger().account(peer.pubkey()).earned()).isZero();
        assertThat(receiptsCounted(reason)).isEqualTo(2.0);
        assertThat(receiptsCounted("accepted")).isZero();
    }
}

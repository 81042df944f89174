package dev.idleclaw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.server.HubTestSupport;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireLimits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's checks of an embedding receipt, driven by a scripted authenticated node: the claim must equal the node's
 * {@code prompt_eval_count}, stay within the inputs' estimate and claim no output; a refused receipt is neither
 * recorded nor passed on, and the consumer still gets the vectors.
 */
class EmbedReceiptCheckTest {
    private static final String MODEL = "embed-model:latest";
    /** "hello world": {@code TokenEstimate} 6, plus {@link ReceiptDesk#EMBED_TOKENS_PER_INPUT}. */
    private static final long MOST_INPUT_TOKENS = 10;

    private final Identity key = Identity.generate();
    private HubFixture hub;
    private StandInNode node;

    @BeforeEach
    void start() throws Exception {
        hub = HubFixture.start();
        node = HubTestSupport.connectAuthenticating(hub.port());
        JsonNode challenge = node.next();
        long now = System.currentTimeMillis();
        byte[] proof = NodeMessage.NodeAuth.message(challenge.path("challenge").asText(), challenge.path("hub_key").asText(), "embedder", now);
        ObjectNode auth = Json.object().put("pubkey", key.publicKey()).put("timestamp", now).put("signature", key.sign(proof));
        node.register(NodeRegistration.of(WireLimits.DEFAULT_MAX_CONCURRENT, NodeRegistration.model(MODEL, 5)).withNodeId("embedder")
                .withFeatures(NodeMessage.Register.EMBED).withAuth(auth));
    }

    @AfterEach
    void stop() {
        node.close();
        hub.close();
    }

    /**
     * Embeds "hello world" through {@code /api/embed}; the node answers with {@code promptEvalCount} and the receipt
     * {@code claim} makes of the request (its id and the requester it named).
     */
    private HttpResponse<String> embed(long promptEvalCount, Function<JsonNode, Receipt> claim) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(hub.url("/api/embed"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"embed-model\",\"input\":\"hello world\"}")).build();
        var response = CompletableFuture.supplyAsync(() -> {
            try {
                return hub.http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode asked = node.nextOfType("embed_request");
        ObjectNode result = Json.object().put("type", "embed_result").put("request_id", asked.path("request_id").asText());
        result.putArray("embeddings").addArray().add(0.6).add(0.8);
        result.put("prompt_eval_count", promptEvalCount);
        result.set("receipt", SignedReceipt.sign(claim.apply(asked), key).toJson());
        node.send(result);
        var answered = response.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(Json.parse(answered.body()).path("embeddings").toString()).isEqualTo("[[0.6,0.8]]");
        return answered;
    }

    private Receipt claim(JsonNode asked, String jobId, long inputTokens, long outputTokens) {
        long now = System.currentTimeMillis();
        String requester = asked.has("requester") ? asked.path("requester").asText() : Receipt.ANONYMOUS;
        return new Receipt(Receipt.VERSION, jobId, Nonces.next(), requester, key.publicKey(), MODEL, inputTokens, outputTokens,
                now - 10, now);
    }

    private double counted(String outcome) {
        var m = Pattern.compile("idleclaw_receipts_total\\{[^}]*outcome=\"" + Pattern.quote(outcome) + "\"[^}]*}\\s+(\\S+)")
                .matcher(hub.hub.metrics().scrape("text/plain"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aClaimUpToTheInputsEstimateIsRecordedAndReturned() throws Exception {
        assertThat(TokenEstimate.of("hello world") + ReceiptDesk.EMBED_TOKENS_PER_INPUT).isEqualTo(MOST_INPUT_TOKENS);
        var response = embed(MOST_INPUT_TOKENS, asked -> claim(asked, asked.path("request_id").asText(), MOST_INPUT_TOKENS, 0));
        SignedReceipt returned = SignedReceipt.fromBase64(response.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(returned.receipt().inputTokens()).isEqualTo(MOST_INPUT_TOKENS);
        assertThat(returned.receipt().workerPubkey()).isEqualTo(key.publicKey());
        assertThat(hub.hub.ledger().recent(1)).extracting(SignedReceipt::toBase64).containsExactly(returned.toBase64());
        assertThat(hub.hub.ledger().account(key.publicKey()).receipts()).isEqualTo(1);
        assertThat(counted("accepted")).isEqualTo(1);
    }

    @Test
    void anOverClaimIsRefusedAndTheConsumerStillGetsTheVectors() throws Exception {
        var response = embed(MOST_INPUT_TOKENS + 1, asked -> claim(asked, asked.path("request_id").asText(), MOST_INPUT_TOKENS + 1, 0));
        assertThat(response.headers().firstValue("x-lobstah-receipt")).isEmpty();
        assertThat(Json.parse(response.body()).path("prompt_eval_count").asLong()).isEqualTo(MOST_INPUT_TOKENS + 1);
        assertThat(hub.hub.ledger().totals().receipts()).isZero();
        assertThat(counted("implausible token counts")).isEqualTo(1);
    }

    @Test
    void aClaimThatIsNotTheNodesCountOrClaimsOutputOrNamesAnotherRequestIsRefused() throws Exception {
        var notTheCount = embed(3, asked -> claim(asked, asked.path("request_id").asText(), 4, 0));
        var withOutput = embed(3, asked -> claim(asked, asked.path("request_id").asText(), 3, 1));
        assertThat(counted("implausible token counts")).isEqualTo(2);
        var otherJob = embed(3, asked -> claim(asked, "another-request", 3, 0));
        assertThat(counted("job or model mismatch")).isEqualTo(1);
        for (var r : java.util.List.of(notTheCount, withOutput, otherJob)) {
            assertThat(r.headers().firstValue("x-lobstah-receipt")).isEmpty();
        }
        assertThat(hub.hub.ledger().totals().receipts()).isZero();
        assertThat(counted("accepted")).isZero();
    }
}

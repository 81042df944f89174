package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embedding receipts end to end: an authenticated node agent signs one receipt per embedding (input tokens only), the
 * hub checks and records it, credits the node, debits a proved consumer and returns it in each embed door's header.
 */
@Timeout(60)
class EmbedReceiptEndToEndTest {
    private static final String MODEL = "nomic-embed-text:latest";
    private static final String HEADER = "x-lobstah-receipt";
    private final HttpClient http = HttpClient.newHttpClient();

    /** POSTs {@code body}, signed by {@code consumer} when not null, with {@code headers}. */
    private HttpResponse<String> post(Network net, String path, String body, Identity consumer, String... headers) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(net.url() + path);
        var req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/json");
        if (consumer != null) {
            RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), bytes, System.currentTimeMillis())
                    .forEach(req::header);
        }
        if (headers.length > 0) req.headers(headers);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SignedReceipt receipt(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SignedReceipt.fromBase64(response.headers().firstValue(HEADER).orElseThrow());
    }

    private static void assertSignedFor(SignedReceipt r, Identity worker, String requester, long inputTokens) {
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.receipt().workerPubkey()).isEqualTo(worker.publicKey());
        assertThat(r.receipt().requesterPubkey()).isEqualTo(requester);
        assertThat(r.receipt().model()).isEqualTo(MODEL);
        assertThat(r.receipt().inputTokens()).isEqualTo(inputTokens).isPositive();
        assertThat(r.receipt().outputTokens()).isZero();
    }

    @Test
    void everyEmbedDoorCarriesTheReceiptAndASignedConsumerPaysTheNode() throws Exception {
        Identity worker = Identity.generate(), consumer = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, worker);

            var ollamaDoor = post(net, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[\"first text\",\"second\"]}", consumer);
            SignedReceipt r1 = receipt(ollamaDoor);
            assertSignedFor(r1, worker, consumer.publicKey(), Json.parse(ollamaDoor.body()).path("prompt_eval_count").asLong());

            var openAi = post(net, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"a longer text to embed\"}", consumer);
            SignedReceipt r2 = receipt(openAi);
            assertSignedFor(r2, worker, consumer.publicKey(), Json.parse(openAi.body()).path("usage").path("prompt_tokens").asLong());

            var legacy = post(net, "/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"legacy\"}", consumer);
            SignedReceipt r3 = receipt(legacy);
            assertSignedFor(r3, worker, consumer.publicKey(), 2); // the stand-in counts a token per 4 characters

            var ledger = net.hub.ledger();
            long paid = r1.receipt().tokens() + r2.receipt().tokens() + r3.receipt().tokens();
            assertThat(ledger.totals().receipts()).isEqualTo(3);
            assertThat(ledger.account(consumer.publicKey()).spent()).isEqualTo(paid);
            assertThat(ledger.account(consumer.publicKey()).available()).isEqualTo(10_000 - paid);
            // A new key is on probation: what it earns is held (docs/trust.md).
            assertThat(ledger.account(worker.publicKey()).held()).isEqualTo(paid);
            assertThat(ledger.recent(10)).extracting(SignedReceipt::toBase64)
                    .containsExactlyInAnyOrder(r1.toBase64(), r2.toBase64(), r3.toBase64());
        }
    }

    @Test
    void anOperatorBoundApiKeySpendsItsOwnersCreditOnEmbeddings() throws Exception {
        Identity worker = Identity.generate(), owner = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, worker);
            String key = ApiKeys.generate();
            net.hub.ledger().addApiKey(ApiKeys.sha256(key), owner.publicKey(), "test");
            var response = post(net, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"x\",\"y\"]}", null,
                    "Authorization", "Bearer " + key);
            SignedReceipt r = receipt(response);
            assertSignedFor(r, worker, owner.publicKey(), 2);
            assertThat(net.hub.ledger().account(owner.publicKey()).spent()).isEqualTo(2);
            assertThat(net.hub.ledger().account(worker.publicKey()).held()).as("on probation: held").isEqualTo(2);
        }
    }

    @Test
    void anAnonymousConsumersEmbeddingIsRecordedButMovesNoCredit() throws Exception {
        Identity worker = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, worker);
            SignedReceipt r = receipt(post(net, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"free\"}", null));
            assertSignedFor(r, worker, Receipt.ANONYMOUS, 1);
            var ledger = net.hub.ledger();
            assertThat(ledger.totals().receipts()).isEqualTo(1);
            assertThat(ledger.account(worker.publicKey()).receipts()).isEqualTo(1);
            assertThat(ledger.account(worker.publicKey())).extracting(Ledger.Account::earned, Ledger.Account::held).containsExactly(0L, 0L);
            assertThat(ledger.totals().earned() + ledger.totals().held()).isZero();
        }
    }

    @Test
    void anAnonymousNodeServesEmbeddingsWithoutAReceipt() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama);
            Identity consumer = Identity.generate();
            var response = post(net, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}", consumer);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Json.parse(response.body()).path("data")).hasSize(1);
            assertThat(response.headers().firstValue(HEADER)).isEmpty();
            assertThat(net.hub.ledger().totals().receipts()).isZero();
            assertThat(net.hub.ledger().account(consumer.publicKey()).spent()).isZero();
        }
    }
}

package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Receipts end to end: an authenticated node agent signs each answer's receipt, the hub checks it, records it in
 * its ledger and hands it to the consumer in each front door's place; balances move by the receipt's tokens.
 */
@Timeout(60)
class ReceiptEndToEndTest {
    private static final String MODEL = "llama3.2:3b";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(Network net, String path, String body, Identity consumer) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(net.url() + path);
        var req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/json");
        if (consumer != null) {
            Map<String, String> h = RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), bytes, System.currentTimeMillis());
            h.forEach(req::header);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Test
    void everyDoorCarriesAVerifiedReceiptAndTheLedgerMovesCredit() throws Exception {
        Identity worker = Identity.generate(), consumer = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, worker);
            assertThat(net.hub.registry().registered().getFirst().pubkey()).isEqualTo(worker.publicKey());

            var openAi = post(net, "/v1/chat/completions", chat(false), consumer);
            assertThat(openAi.statusCode()).isEqualTo(200);
            SignedReceipt r1 = SignedReceipt.fromBase64(openAi.headers().firstValue("x-lobstah-receipt").orElseThrow());
            assertThat(r1.signatureValid()).isTrue();
            assertThat(r1.receipt().workerPubkey()).isEqualTo(worker.publicKey());
            assertThat(r1.receipt().requesterPubkey()).isEqualTo(consumer.publicKey());
            assertThat(r1.receipt().model()).isEqualTo(MODEL);
            JsonNode usage = Json.parse(openAi.body()).path("usage");
            assertThat(r1.receipt().outputTokens()).isEqualTo(usage.path("completion_tokens").asLong());
            assertThat(r1.receipt().inputTokens()).isEqualTo(usage.path("prompt_tokens").asLong());

            var sse = post(net, "/v1/chat/completions", chat(true), consumer);
            var m = Pattern.compile("\n:lobstah-receipt:([A-Za-z0-9+/=]+)\n\ndata: \\[DONE\\]\n\n$").matcher(sse.body());
            assertThat(m.find()).as(sse.body()).isTrue();
            assertThat(SignedReceipt.fromBase64(m.group(1)).signatureValid()).isTrue();

            var ndjson = post(net, "/api/chat", chat(true), null);
            String[] lines = ndjson.body().strip().split("\n");
            JsonNode last = Json.parse(lines[lines.length - 1]);
            assertThat(last.path("done").asBoolean()).isTrue();
            SignedReceipt r3 = SignedReceipt.fromBase64(last.path("receipt").asText());
            assertThat(r3.receipt().requesterPubkey()).isEqualTo(Receipt.ANONYMOUS);

            var idleClaw = http.send(HttpRequest.newBuilder(URI.create(net.url() + "/api/chat"))
                    .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(idleClaw.body()).containsPattern(":lobstah-receipt:[A-Za-z0-9+/=]+\r\n\r\ndata: \\[DONE\\]\r\n\r\n$");

            var ledger = net.hub.ledger();
            assertThat(ledger.totals().receipts()).isEqualTo(4);
            long spent = r1.receipt().tokens() + SignedReceipt.fromBase64(m.group(1)).receipt().tokens();
            assertThat(ledger.account(consumer.publicKey()).spent()).isEqualTo(spent);
            assertThat(ledger.account(consumer.publicKey()).available()).isEqualTo(10_000 - spent);
            // A new key is on probation: what it earns is held (docs/trust.md).
            assertThat(ledger.account(worker.publicKey()).held()).isEqualTo(ledger.totals().held()).isEqualTo(spent);
            assertThat(ledger.recent(10)).allMatch(SignedReceipt::signatureValid);

            var balance = Json.parse(http.send(HttpRequest.newBuilder(URI.create(net.url() + "/balance")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(balance.path("totals").path("receipts").asLong()).isEqualTo(4);
            assertThat(balance.path("bootstrapAllowance").asLong()).isEqualTo(10_000);
            var anonymousPage = Json.parse(http.send(HttpRequest.newBuilder(URI.create(net.url() + "/ledger?limit=2")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(anonymousPage.path("total").asLong()).as("the count is public").isEqualTo(4);
            assertThat(anonymousPage.path("returned").asInt()).as("the receipts are not").isZero();
            URI pageUri = URI.create(net.url() + "/ledger?limit=2");
            var signedPage = HttpRequest.newBuilder(pageUri).GET();
            RequestSignature.sign(consumer, "GET", "/ledger?limit=2", RequestSignature.hostHeader(pageUri), new byte[0], System.currentTimeMillis())
                    .forEach(signedPage::header);
            var page = Json.parse(http.send(signedPage.build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(page.path("total").asLong()).isEqualTo(4);
            assertThat(page.path("returned").asInt()).isEqualTo(2);
            assertThat(page.path("receipts")).allSatisfy(r -> assertThat(r.path("receipt").path("requesterPubkey").asText()).isEqualTo(consumer.publicKey()));
        }
    }

    @Test
    void anOperatorBoundApiKeySpendsItsOwnersCreditAndOllamasNonStreamedAnswerCarriesTheHeader() throws Exception {
        Identity worker = Identity.generate(), owner = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, worker);
            String key = dev.idleclaw.auth.ApiKeys.generate();
            net.hub.ledger().addApiKey(dev.idleclaw.auth.ApiKeys.sha256(key), owner.publicKey(), "test");
            var res = http.send(HttpRequest.newBuilder(URI.create(net.url() + "/api/chat")).header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(chat(false))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            SignedReceipt r = SignedReceipt.fromBase64(res.headers().firstValue("x-lobstah-receipt").orElseThrow());
            assertThat(r.receipt().requesterPubkey()).isEqualTo(owner.publicKey());
            assertThat(Json.parse(res.body()).path("receipt").asText()).isEqualTo(r.toBase64());
            assertThat(net.hub.ledger().account(owner.publicKey()).spent()).isEqualTo(r.receipt().tokens());
        }
    }

    @Test
    void anAnonymousNodeServesButEarnsNothing() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama);
            var res = post(net, "/v1/chat/completions", chat(false), Identity.generate());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-lobstah-receipt")).isEmpty();
            assertThat(net.hub.ledger().totals().receipts()).isZero();
            assertThat(net.hub.registry().registered().getFirst().pubkey()).isNull();
        }
    }

    @Test
    void aReplayedConsumerSignatureAndAWrongApiKeyAreRefused() throws Exception {
        Identity consumer = Identity.generate();
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL)); var net = new Network()) {
            net.addNode(ollama, Identity.generate());
            String path = "/v1/chat/completions";
            byte[] body = chat(false).getBytes(StandardCharsets.UTF_8);
            URI uri = URI.create(net.url() + path);
            Map<String, String> signed = RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), body, System.currentTimeMillis());
            var req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            signed.forEach(req::header);
            assertThat(http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            var replay = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(replay.statusCode()).isEqualTo(401);
            assertThat(replay.body()).contains("replayed request signature");

            var otherBody = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(chat(true))).header("Content-Type", "application/json");
            signed.forEach(otherBody::header);
            assertThat(http.send(otherBody.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

            // Spending someone else's credit: name their key, sign with ours.
            Identity victim = Identity.generate();
            var theft = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), body, System.currentTimeMillis())
                    .forEach((k, v) -> theft.header(k, k.equals(RequestSignature.REQUESTER) ? victim.publicKey() : v));
            var stolen = http.send(theft.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stolen.statusCode()).isEqualTo(401);
            assertThat(stolen.body()).contains("bad signature");
            assertThat(net.hub.ledger().account(victim.publicKey()).spent()).isZero();

            var badKey = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Authorization", "Bearer ick_not-a-key").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(badKey.statusCode()).isEqualTo(401);
            assertThat(badKey.body()).contains("invalid API key");
            assertThat(net.hub.ledger().account(consumer.publicKey()).receipts()).isEqualTo(1);
        }
    }
}

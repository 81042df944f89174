package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.testkit.StandInSearx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A searched answer is two node runs: two receipts, both charged to the consumer, and the usage adds them up. */
class ToolReceiptsTest {
    private static final String MODEL = "llama3.2:3b";

    @Test
    void everyNodeRunOfASearchedAnswerHasItsReceiptChargedToTheConsumer() throws Exception {
        Identity worker = Identity.generate(), consumer = Identity.generate();
        try (var searx = StandInSearx.start();
             var ollama = StandInOllama.start().model(StandInModel.of(MODEL)).behaviour(Behaviour.defaults()
                     .withTokens("Sunny", ".").withToolRounds(List.of(Behaviour.ToolCall.of("web_search", "{\"query\":\"oslo\"}"))));
             var net = new Network(c -> c.searchUrl = URI.create(searx.baseUrl()))) {
            net.addNode(ollama, worker);
            String path = "/v1/chat/completions";
            byte[] body = ("{\"model\":\"" + MODEL + "\",\"web_search_options\":{},\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Weather in Oslo?\"}]}").getBytes(StandardCharsets.UTF_8);
            URI uri = URI.create(net.url() + path);
            var req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), body, System.currentTimeMillis()).forEach(req::header);
            var res = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(searx.queries()).containsExactly("oslo");

            var ledger = net.hub.ledger();
            assertThat(ledger.totals().receipts()).isEqualTo(2);
            var receipts = ledger.recent(10);
            assertThat(receipts).allSatisfy(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.receipt().requesterPubkey()).isEqualTo(consumer.publicKey());
            });
            long tokens = receipts.stream().mapToLong(r -> r.receipt().tokens()).sum();
            assertThat(ledger.account(consumer.publicKey()).spent()).isEqualTo(tokens);
            var usage = Json.parse(res.body()).path("usage");
            assertThat(usage.path("completion_tokens").asLong()).isEqualTo(receipts.stream().mapToLong(r -> r.receipt().outputTokens()).sum());
            assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(receipts.stream().mapToLong(r -> r.receipt().inputTokens()).sum());
            var header = SignedReceipt.fromBase64(res.headers().firstValue("x-lobstah-receipt").orElseThrow());
            assertThat(receipts).anySatisfy(r -> assertThat(r.toBase64()).isEqualTo(header.toBase64()));
        }
    }
}

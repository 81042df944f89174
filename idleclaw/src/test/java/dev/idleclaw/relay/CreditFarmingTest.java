package dev.idleclaw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.server.HubTestSupport;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.wire.NodeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The red-team's credit farm (issue 11 #3): an authenticated node that alone serves a model sends itself long
 * anonymous prompts and signs receipts for as much as the hub would take; and the same node overcharging a signed
 * consumer for a short answer.
 */
@Timeout(60)
class CreditFarmingTest {
    private static final String MODEL = "rogue-only:1";
    /** Twelve one-token chunks: a twelve-token answer. */
    private static final List<String> ANSWER = List.of("The", " capital", " of", " France", " is", " Paris", ".",
            " It", " is", " lovely", " too", ".");

    private HubFixture hub;
    private final Identity rogue = Identity.generate();

    @BeforeEach
    void start() throws Exception {
        hub = HubFixture.start(c -> c.maxNodesPerIp = 10);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** Registers the rogue with its key; it answers {@link #ANSWER} and claims what {@code input}/{@code output} say. */
    private StandInNode rogueNode(ToLongFunction<JsonNode> input, ToLongFunction<JsonNode> output) throws Exception {
        var node = HubTestSupport.connectAuthenticating(hub.port());
        JsonNode challenge = node.next();
        ObjectNode reg = Json.object().put("type", "register").put("node_id", "rogue");
        reg.putArray("models").addObject().put("name", MODEL).put("size", 5);
        reg.put("max_concurrent", 4);
        long now = System.currentTimeMillis();
        byte[] message = NodeMessage.NodeAuth.message(challenge.path("challenge").asText(), challenge.path("hub_key").asText(), "rogue", now);
        reg.putObject("auth").put("pubkey", rogue.publicKey()).put("timestamp", now).put("signature", rogue.sign(message));
        node.send(reg);
        assertThat(node.next().path("type").asText()).isEqualTo("registered");
        return node.onRequest(req -> {
            String id = req.path("request_id").asText();
            ANSWER.forEach(t -> node.content(id, t));
            long in = input.applyAsLong(req), out = output.applyAsLong(req);
            var receipt = SignedReceipt.sign(new Receipt(Receipt.VERSION, id, Nonces.next(),
                    req.path("requester").asText(Receipt.ANONYMOUS), rogue.publicKey(), MODEL, in, out, now, System.currentTimeMillis()), rogue);
            ObjectNode done = Json.object().put("type", "inference_chunk").put("request_id", id);
            ObjectNode chunk = done.putObject("chunk").put("done", true).put("done_reason", "stop")
                    .put("prompt_eval_count", in).put("eval_count", out);
            chunk.putObject("message").put("role", "assistant").put("content", "");
            done.set("receipt", receipt.toJson());
            node.send(done);
        });
    }

    /** What the old bound let a node claim: one token per prompt character plus 1,024. */
    private static long promptCharsPlus1024(JsonNode req) {
        long chars = 0;
        for (var m : req.path("ollama_params").path("messages")) chars += m.path("content").asText().length();
        return chars + 1024;
    }

    private HttpResponse<String> ask(String prompt, Identity consumer) throws Exception {
        String path = "/api/chat";
        byte[] body = Json.write(Json.object().put("model", MODEL).put("stream", false)
                .set("messages", Json.array().add(Json.object().put("role", "user").put("content", prompt)))).getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(hub.url(path));
        var b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        if (consumer != null) RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), body, System.currentTimeMillis()).forEach(b::header);
        var res = hub.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res;
    }

    @Test
    void aNodeServingItsOwnAnonymousLongPromptsEarnsNothing() throws Exception {
        // Claims it can back up: the estimate of what was sent and relayed, so only the earning rule stands in the way.
        try (var node = rogueNode(req -> 300, req -> ANSWER.size())) {
            for (int i = 0; i < 3; i++) ask("a ".repeat(4_500), null);
            Awaitility.await().until(() -> hub.hub.ledger().totals().receipts() == 3);
            assertThat(hub.hub.ledger().account(rogue.publicKey())).extracting(Ledger.Account::earned, Ledger.Account::held).containsExactly(0L, 0L);
            assertThat(hub.hub.ledger().totals().earned() + hub.hub.ledger().totals().held()).isZero();
        }
    }

    @Test
    void aReceiptClaimingThePromptsCharactersIsRefused() throws Exception {
        Identity consumer = Identity.generate();
        try (var node = rogueNode(CreditFarmingTest::promptCharsPlus1024, req -> ANSWER.size())) {
            var res = ask("What is the capital of France? Answer in one sentence.", consumer);
            assertThat(Json.parse(res.body()).path("receipt").isMissingNode()).as("no receipt passed on").isTrue();
            assertThat(hub.hub.ledger().account(consumer.publicKey()).spent()).isZero();
            assertThat(hub.hub.ledger().account(rogue.publicKey())).extracting(Ledger.Account::earned, Ledger.Account::held).containsExactly(0L, 0L);
        }
    }

    @Test
    void aSignedConsumerIsChargedNoMoreThanATightBoundOverWhatWasRelayed() throws Exception {
        Identity consumer = Identity.generate();
        // The most the hub still takes: the estimates plus the documented tolerances.
        String question = "What is the capital of France? Answer in one sentence.";
        long relayed = ANSWER.stream().mapToLong(TokenEstimate::of).sum();
        long input = TokenEstimate.of(question) + ReceiptDesk.TEMPLATE_TOKENS_PER_MESSAGE + ReceiptDesk.PROMPT_TEMPLATE_TOKENS;
        try (var node = rogueNode(req -> input, req -> relayed + ReceiptDesk.OUTPUT_SLACK)) {
            ask(question, consumer);
            Awaitility.await().until(() -> hub.hub.ledger().totals().receipts() == 1);
            long spent = hub.hub.ledger().account(consumer.publicKey()).spent();
            assertThat(spent).as("a 12-token answer to a 12-token question").isPositive().isLessThanOrEqualTo(150);
            // A new key is on probation: what it earns is held (docs/trust.md).
            assertThat(hub.hub.ledger().account(rogue.publicKey()).held()).isEqualTo(spent);
        }
    }
}

package dev.idleclaw.worker;

import static dev.idleclaw.worker.WorkerFixture.MODEL;
import static dev.idleclaw.worker.WorkerFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.receipt.Receipt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code idleclaw worker}'s Lobstah API (lobstah-wire.md §7, §11a) on a real worker: the endpoint shapes, receipts
 * on both chat paths checked independently of our signing code, the requester rules and the ledger.
 */
@Timeout(60)
class WorkerApiTest {
    private static WorkerFixture w;
    /** What an original Lobstah router sends: its own key in a bare header. */
    private static final String ROUTER = Identity.generate().publicKey();

    @BeforeAll
    static void start() throws Exception {
        w = new WorkerFixture();
    }

    @AfterAll
    static void stop() {
        if (w != null) w.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.parse(r.body());
    }

    @Test
    void rootSaysLobstahWorker() throws Exception {
        var r = w.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("lobstah-worker\n");
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
    }

    @Test
    void pubkeyIsTheWorkersKey() throws Exception {
        var r = w.get("/pubkey");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(json(r)).isEqualTo(Json.object().put("pubkey", w.worker.publicKey()));
        assertThat(w.worker.publicKey()).matches("lob1[0-9a-f]{64}");
    }

    @Test
    void capacityListsTheNodesModelsTierAndSlots() throws Exception {
        var r = w.get("/capacity");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode c = json(r);
        assertThat(c.path("pubkey").asText()).isEqualTo(w.worker.publicKey());
        assertThat(c.path("models")).containsExactly(Json.MAPPER.getNodeFactory().textNode(MODEL));
        assertThat(c.path("tier").asText()).isEqualTo("best-effort");
        assertThat(c.path("concurrency").asInt()).isEqualTo(2);
        assertThat(c.path("queueDepth").isIntegralNumber()).isTrue();
        assertThat(c.path("jobCounts").fieldNames()).toIterable().containsExactly("queued", "running", "done", "error");
    }

    @Test
    void modelsAreOwnedByTheWorkersKeyPrefix() throws Exception {
        JsonNode m = json(w.get("/v1/models"));
        assertThat(m.path("object").asText()).isEqualTo("list");
        assertThat(m.path("data")).hasSize(1);
        JsonNode first = m.path("data").path(0);
        assertThat(first.path("id").asText()).isEqualTo(MODEL);
        assertThat(first.path("object").asText()).isEqualTo("model");
        assertThat(first.path("owned_by").asText()).isEqualTo("lobstah:" + w.worker.publicKey().substring(0, 12));
    }

    @Test
    void nodesCannotConnectOnThePublicPort() throws Exception {
        var listener = new java.net.http.WebSocket.Listener() {};
        var publicPort = w.http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + w.worker.port() + "/ws/node"), listener);
        assertThat(publicPort).failsWithin(java.time.Duration.ofSeconds(5)).withThrowableThat()
                .havingRootCause().withMessageContaining("404");
        assertThat(w.worker.hub().nodePort()).isPositive().isNotEqualTo(w.worker.port());
        // The loopback node listener does upgrade (its node must then prove the worker's key).
        var nodePort = w.http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + w.worker.hub().nodePort() + "/ws/node"), listener);
        assertThat(nodePort).succeedsWithin(java.time.Duration.ofSeconds(5)).satisfies(ws -> ws.abort());
    }

    @Test
    void onlyTheWorkersOwnKeyMayServeThroughIt() throws Exception {
        var nodeUrl = "http://127.0.0.1:" + w.worker.hub().nodePort();
        var timings = dev.idleclaw.node.NodeTimings.DEFAULTS.withBackoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1));
        var strangers = List.of(
                new dev.idleclaw.node.NodeAgent(dev.idleclaw.node.NodeConfig.of(nodeUrl, w.ollama.baseUrl(), 1).withTimings(timings)
                        .withIdentity(Identity.generate())),
                new dev.idleclaw.node.NodeAgent(dev.idleclaw.node.NodeConfig.of(nodeUrl, w.ollama.baseUrl(), 1).withTimings(timings)));
        long refusedBefore = w.worker.hub().stats().linkErrors();
        var threads = strangers.stream().map(a -> Thread.ofVirtual().start(() -> {
            try {
                a.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })).toList();
        try {
            // Each stranger is refused (a protocol violation), retries after its short backoff and is refused again.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> w.worker.hub().stats().linkErrors() >= refusedBefore + 2L * strangers.size());
            assertThat(w.worker.hub().registry().registered()).hasSize(1)
                    .allSatisfy(link -> assertThat(link.pubkey()).isEqualTo(w.worker.publicKey()));
        } finally {
            strangers.forEach(dev.idleclaw.node.NodeAgent::stop);
            for (Thread t : threads) t.join(5000);
        }
    }

    @Test
    void nonStreamedChatCarriesAReceiptNamingTheBareRequesterThatIsNotDebited() throws Exception {
        Ledger.Account before = w.worker.hub().ledger().account(w.worker.publicKey());
        var r = w.post("/v1/chat/completions", chat(false), Map.of("x-lobstah-requester", ROUTER));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String b64 = r.headers().firstValue("x-lobstah-receipt").orElseThrow();

        JsonNode signed = IndependentCheck.decode(b64);
        assertThat(IndependentCheck.receiptVerifies(signed)).as("JDK Ed25519 over an independent canonical form").isTrue();
        JsonNode receipt = signed.path("receipt");
        assertThat(receipt.path("workerPubkey").asText()).isEqualTo(json(w.get("/pubkey")).path("pubkey").asText());
        assertThat(receipt.path("requesterPubkey").asText()).isEqualTo(ROUTER);
        assertThat(receipt.path("model").asText()).isEqualTo(MODEL);
        assertThat(receipt.path("version").asInt()).isEqualTo(1);
        assertThat(receipt.path("nonce").asText()).matches("[0-9a-f]{32}");
        JsonNode usage = json(r).path("usage");
        assertThat(receipt.path("inputTokens").asLong()).isEqualTo(usage.path("prompt_tokens").asLong());
        assertThat(receipt.path("outputTokens").asLong()).isEqualTo(usage.path("completion_tokens").asLong());
        long tokens = receipt.path("inputTokens").asLong() + receipt.path("outputTokens").asLong();
        assertThat(tokens).isPositive();

        // Tampering is caught by the independent check too.
        ((com.fasterxml.jackson.databind.node.ObjectNode) receipt).put("outputTokens", receipt.path("outputTokens").asLong() + 1);
        assertThat(IndependentCheck.receiptVerifies(signed)).isFalse();

        Ledger ledger = w.worker.hub().ledger();
        assertThat(ledger.recent(50)).anySatisfy(s -> assertThat(s.receipt().nonce()).isEqualTo(signed.path("receipt").path("nonce").asText()));
        assertThat(ledger.account(w.worker.publicKey()).earned()).as("nobody paid, so nobody earns").isEqualTo(before.earned());
        assertThat(ledger.account(w.worker.publicKey()).receipts()).isEqualTo(before.receipts() + 1);
        assertThat(ledger.account(ROUTER)).as("a bare header is a name, not a proof: never debited")
                .isEqualTo(new Ledger.Account(ROUTER, 0, 0, 0, ledger.bootstrapAllowance()));
    }

    @Test
    void streamedChatIsLfOnlyWithUsageAndTheReceiptRightBeforeDone() throws Exception {
        var r = w.post("/v1/chat/completions", chat(true), Map.of("x-lobstah-requester", ROUTER));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        String body = r.body();
        assertThat(body).doesNotContain("\r");
        var m = Pattern.compile("\n\n:lobstah-receipt:([A-Za-z0-9+/=]+)\n\ndata: \\[DONE\\]\n\n$").matcher(body);
        assertThat(m.find()).as(body).isTrue();

        // Upstream's router splits on "\n\n" exactly; the last data event before the receipt carries usage.
        List<String> events = List.of(body.split("\n\n"));
        String usageEvent = events.get(events.size() - 3);
        assertThat(usageEvent).startsWith("data: ");
        JsonNode usage = Json.parse(usageEvent.substring(6)).path("usage");
        assertThat(usage.path("completion_tokens").isIntegralNumber()).as(usageEvent).isTrue();

        JsonNode signed = IndependentCheck.decode(m.group(1));
        assertThat(IndependentCheck.receiptVerifies(signed)).isTrue();
        assertThat(signed.path("receipt").path("workerPubkey").asText()).isEqualTo(w.worker.publicKey());
        assertThat(signed.path("receipt").path("requesterPubkey").asText()).isEqualTo(ROUTER);
        assertThat(signed.path("receipt").path("outputTokens").asLong()).isEqualTo(usage.path("completion_tokens").asLong());
        assertThat(w.worker.hub().ledger().account(ROUTER).spent()).isZero();
    }

    @Test
    void withoutARequesterTheReceiptSaysAnonymous() throws Exception {
        var r = w.post("/v1/chat/completions", chat(false), Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode signed = IndependentCheck.decode(r.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(signed.path("receipt").path("requesterPubkey").asText()).isEqualTo(Receipt.ANONYMOUS);
        assertThat(IndependentCheck.receiptVerifies(signed)).isTrue();
    }

    @Test
    void aMalformedBareRequesterIsIgnored() throws Exception {
        var r = w.post("/v1/chat/completions", chat(false), Map.of("x-lobstah-requester", "lob1NOT-A-KEY"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode signed = IndependentCheck.decode(r.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(signed.path("receipt").path("requesterPubkey").asText()).isEqualTo(Receipt.ANONYMOUS);
    }

    @Test
    void aSignedRequesterIsVerifiedAndDebited() throws Exception {
        Identity consumer = Identity.generate();
        var r = w.signedPost("/v1/chat/completions", chat(false), consumer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode signed = IndependentCheck.decode(r.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(signed.path("receipt").path("requesterPubkey").asText()).isEqualTo(consumer.publicKey());
        long tokens = signed.path("receipt").path("inputTokens").asLong() + signed.path("receipt").path("outputTokens").asLong();
        Ledger.Account account = w.worker.hub().ledger().account(consumer.publicKey());
        assertThat(account.spent()).isEqualTo(tokens);
        assertThat(account.receipts()).isEqualTo(1);
    }

    @Test
    void theIndependentCheckerReproducesTheSpecVector() throws Exception {
        // lobstah-wire.md §3: a ledger line signed by an original worker, and its canonical signing input.
        JsonNode line = Json.parse("""
                {"receipt":{"version":1,"jobId":"1fab2f08-a7ed-46cf-9bbc-eeebf435a60e","nonce":"f2482dbadab07ef98076f56047aa9b03","requesterPubkey":"lob14ab6f2b0d15d9139264edeba7e4c73c1238767376ab604524636ba1c5228f676","workerPubkey":"lob1a6c6242feb165afce937972b67124dd57643aaba5589fef42888121f07b3401b","model":"llama3.1:8b","inputTokens":10,"outputTokens":6,"startedAt":1795264709740,"completedAt":1795264709743},"signature":"c281aa69d30788bcd6864eacfb19d2e523caa9a9f0f63d7dc54ae5316988c186928b8788f7d6a2bf64e8409a79e3fc81d7ad9496b58328b7985c4c896ddf8700"}""");
        assertThat(IndependentCheck.canonical(line.path("receipt"))).isEqualTo("""
                {"completedAt":1795264709743,"inputTokens":10,"jobId":"1fab2f08-a7ed-46cf-9bbc-eeebf435a60e","model":"llama3.1:8b","nonce":"f2482dbadab07ef98076f56047aa9b03","outputTokens":6,"requesterPubkey":"lob14ab6f2b0d15d9139264edeba7e4c73c1238767376ab604524636ba1c5228f676","startedAt":1795264709740,"version":1,"workerPubkey":"lob1a6c6242feb165afce937972b67124dd57643aaba5589fef42888121f07b3401b"}""");
        assertThat(IndependentCheck.receiptVerifies(line)).isTrue();
        assertThat(IndependentCheck.canonical(Json.parse("{\"b\":\"a/é\\n\\u0001\",\"a\":[1,\"x\"]}")))
                .isEqualTo("{\"a\":[1,\"x\"],\"b\":\"a/é\\n\\u0001\"}");
    }
}

package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ClusterHubs.forwarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hubs of one cluster forwarding embeddings to each other over {@code /cluster/v1/embed}, with real node agents in
 * front of stand-in Ollamas that hold a chat model and an embedding model.
 */
class ClusterEmbedForwardingTest {
    private static final Duration WAIT = ClusterHubs.WAIT;
    private static final String MODEL = "llama3.2:3b";
    private static final String EMBED = "nomic-embed-text:latest";

    private ClusterHubs cluster;
    private HttpClient http;

    @BeforeEach
    void findStores() {
        cluster = new ClusterHubs(MODEL, EMBED);
        http = cluster.http;
    }

    @AfterEach
    void closeAll() throws Exception {
        cluster.close();
    }

    @Test
    void everyEmbeddingDoorOnOneHubIsServedByAnEmbeddingNodeOnlyOnAnotherHubAndRecordedOnce() throws Exception {
        Network a = hub(), b = hub();
        Identity worker = Identity.generate(), consumer = Identity.generate();
        b.addNode(ollama(), worker);
        awaitEmbeddings(a, b);

        var ollamaDoor = post(a, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[\"first\",\"second\"]}", consumer);
        assertThat(ollamaDoor.statusCode()).as(ollamaDoor.body()).isEqualTo(200);
        assertVector(Json.parse(ollamaDoor.body()).path("embeddings").get(0), "first", Embeddings.DIMENSIONS);
        assertVector(Json.parse(ollamaDoor.body()).path("embeddings").get(1), "second", Embeddings.DIMENSIONS);
        var legacy = post(a, "/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"legacy\"}", consumer);
        assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
        assertVector(Json.parse(legacy.body()).path("embedding"), "legacy", Embeddings.DIMENSIONS);
        var openAi = post(a, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"],\"dimensions\":32}", consumer);
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        assertVector(Json.parse(openAi.body()).path("data").get(1).path("embedding"), "b", 32);

        for (var answer : List.of(ollamaDoor, legacy, openAi)) {
            var r = SignedReceipt.fromBase64(answer.headers().firstValue("x-lobstah-receipt").orElseThrow());
            assertThat(r.signatureValid()).isTrue();
            assertThat(r.receipt().workerPubkey()).isEqualTo(worker.publicKey());
            assertThat(r.receipt().requesterPubkey()).isEqualTo(consumer.publicKey());
        }
        // Three answers, each one row in the shared ledger (written by B, whose node served it), debiting the consumer.
        var audit = LedgerAudit.of(cluster.ledgerUrl());
        assertThat(audit.rows()).isEqualTo(3);
        assertThat(audit.distinctJobs()).isEqualTo(3);
        assertThat(audit.accounts().get(consumer.publicKey())).isEqualTo(audit.recomputedAccounts().get(consumer.publicKey()));
        assertThat(audit.accounts().get(worker.publicKey())).isEqualTo(audit.recomputedAccounts().get(worker.publicKey()));
        assertThat(audit.totals()).isEqualTo(audit.recomputedTotals());
        assertThat(forwarded(a, "answered")).isEqualTo(3);
        assertThat(forwarded(b, "answered")).isZero();
    }

    @Test
    void aHubEmbedsWithItsOwnNodeWhenItHasOneAndForwardsOnlyWhenItHasNone() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama mine = ollama().recordRequests(true), theirs = ollama().recordRequests(true);
        a.addNode(mine, Identity.generate());
        b.addNode(theirs, Identity.generate());
        awaitEmbeddings(a, b);

        for (int i = 0; i < 4; i++) assertThat(post(a, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}", null).statusCode()).isEqualTo(200);
        assertThat(embeds(mine)).isEqualTo(4);
        assertThat(embeds(theirs)).isZero();
        assertThat(forwarded(a, "answered")).isZero();
    }

    @Test
    void aMemberWhoseNodesServeTheModelButNoEmbeddingsIsNeverSentOne() throws Exception {
        Network a = hub(), b = hub();
        try (var original = StandInNode.registered(b.hub.port(), 4, EMBED)) {
            awaitMember(a, b, EMBED);
            var none = post(a, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}", null);
            assertThat(none.statusCode()).as(none.body()).isEqualTo(501);

            Network c = hub();
            c.addNode(ollama(), Identity.generate());
            awaitEmbeddings(a, c);
            for (int i = 0; i < 3; i++) {
                var res = post(a, "/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}", null);
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            }
            assertThat(forwarded(a, "answered")).isEqualTo(3);
            assertThat(forwarded(a, "unavailable")).isZero();
            assertThat(forwarded(b, "answered") + forwarded(b, "unavailable")).isZero();
            assertThatThrownBy(() -> original.next(Duration.ofMillis(300))).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void anEmbeddingAMemberFailsIsFailedOverToAnotherMemberAndCostsThatMemberNoReputation() throws Exception {
        Network a = hub(), b = hub();
        try (var failing = StandInNode.registered(b.hub.port(), NodeRegistration.named(1, EMBED).withFeatures("embed"))) {
            awaitEmbeddings(a, b);
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(a, "/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"failover\"}", null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            var request = failing.next(WAIT); // B's node holds it
            assertThat(request.path("type").asText()).isEqualTo("embed_request");
            Network c = hub();
            c.addNode(ollama(), Identity.generate());
            awaitEmbeddings(a, c);
            var onB = a.hub.forwarding().links().links().stream().filter(l -> b.hub.publicKey().equals(l.pubkey())).findFirst().orElseThrow();
            double before = a.hub.scheduler().reputation(onB);
            failing.error(request.path("request_id").asText(), "ollama_unavailable");

            var res = answer.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertVector(Json.parse(res.body()).path("embeddings").get(0), "failover", Embeddings.DIMENSIONS);
            assertThat(forwarded(a, "unavailable")).isEqualTo(1);
            assertThat(forwarded(a, "answered")).isEqualTo(1);
            assertThat(a.hub.scheduler().reputation(onB)).isEqualTo(before);
        }
    }

    @Test
    void aBadEmbeddingRequestIsTheConsumersFaultOnEitherHubAndCostsNoNodeAnything() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama theirs = ollama().recordRequests(true);
        b.addNode(theirs, Identity.generate());
        awaitEmbeddings(a, b);
        double before = reputations(b);

        var noInput = post(a, "/v1/embeddings", "{\"model\":\"nomic-embed-text\"}", null);
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(embeds(theirs)).isZero();
        // B's node advertises embeddings and holds the chat model too, whose Ollama refuses to embed with it: B's 400, passed on.
        var notEmbedding = post(a, "/api/embed", "{\"model\":\"" + MODEL + "\",\"input\":\"x\"}", null);
        assertThat(notEmbedding.statusCode()).as(notEmbedding.body()).isEqualTo(400);
        assertThat(Json.parse(notEmbedding.body()).path("error").asText()).contains("refused");
        assertThat(forwarded(a, "refused")).isEqualTo(1);
        assertThat(forwarded(a, "unavailable")).isZero();
        assertThat(reputations(b)).isEqualTo(before);
        assertThat(a.hub.forwarding().links().links()).allSatisfy(l -> assertThat(l.isClosed()).isFalse());
        assertThat(LedgerAudit.of(cluster.ledgerUrl()).rows()).isZero();
    }

    @Test
    void theEmbeddingRouteTakesOnlySignedForwardsOfMembersAndServesThemWithItsOwnNodes() throws Exception {
        Network a = hub(), b = hub();
        b.addNode(ollama(), Identity.generate());
        awaitEmbeddings(a, b);
        String body = "{\"request_id\":\"test\",\"params\":{\"model\":\"" + EMBED + "\",\"input\":[\"x\"]},"
                + "\"requester\":null,\"requester_verified\":false,\"credited\":false}";
        URI route = MemberTransport.route(URI.create(b.url()), MemberTransport.EMBED_PATH);

        var unsigned = http.send(HttpRequest.newBuilder(route).timeout(WAIT).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(forward(b, route, Identity.generate(), body, null).statusCode()).isEqualTo(403);
        var signed = ForwardSignature.sign(identity(a), "POST", MemberTransport.EMBED_PATH, "127.0.0.1:" + b.hub.port(),
                body.getBytes(StandardCharsets.UTF_8), "anonymous", List.of(), System.currentTimeMillis());
        var served = forward(b, route, null, body, signed);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertVector(Json.parse(served.body()).path("embeddings").get(0), "x", Embeddings.DIMENSIONS);
        assertThat(forward(b, route, null, body, signed).statusCode()).isEqualTo(401); // replayed
        // Signed for the chat route, it is no embedding forward.
        var chatSigned = ForwardSignature.sign(identity(a), "POST", MemberTransport.PATH, "127.0.0.1:" + b.hub.port(),
                body.getBytes(StandardCharsets.UTF_8), "anonymous", List.of(), System.currentTimeMillis());
        assertThat(forward(b, route, null, body, chatSigned).statusCode()).isEqualTo(401);
    }

    @Test
    void aForwardedEmbeddingIsServedOnlyByTheReceivingHubsOwnNodesNeverForwardedAgain() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama onA = ollama().recordRequests(true);
        a.addNode(onA, Identity.generate());
        awaitEmbeddings(b, a); // B could reach A's node through its member link
        String body = "{\"request_id\":\"test\",\"params\":{\"model\":\"" + EMBED + "\",\"input\":[\"x\"]},"
                + "\"requester\":null,\"requester_verified\":false,\"credited\":false}";

        var res = forward(b, MemberTransport.route(URI.create(b.url()), MemberTransport.EMBED_PATH), identity(a), body, null);
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(Json.parse(res.body()).path("error").asText()).contains("no node of this hub");
        assertThat(embeds(onA)).isZero();
        assertThat(forwarded(b, "answered") + forwarded(b, "unavailable")).isZero();
    }

    /** Waits until {@code on} has {@code of} as a member backend serving embeddings of {@link #EMBED}. */
    private static void awaitEmbeddings(Network on, Network of) {
        await().atMost(WAIT).until(() -> on.hub.forwarding().links().links().stream()
                .anyMatch(l -> of.hub.publicKey().equals(l.pubkey()) && !l.isClosed()
                               && ((MemberTransport) l.backend()).embeds(EMBED)));
        ClusterHubs.awaitListed(on, of);
    }

    private static long embeds(StandInOllama o) {
        return o.requests().stream().filter(r -> r.path().equals("/api/embed")).count();
    }

    /** The reputations of {@code n}'s own nodes, summed. */
    private static double reputations(Network n) {
        return n.hub.registry().registered().stream().mapToDouble(l -> n.hub.scheduler().reputation(l)).sum();
    }

    private static void assertVector(JsonNode actual, String text, int dimensions) {
        float[] expected = Embeddings.vector(text, dimensions);
        assertThat(actual).hasSize(dimensions);
        for (int i = 0; i < dimensions; i++) assertThat(actual.get(i).floatValue()).isEqualTo(expected[i]);
    }

    private HttpResponse<String> forward(Network n, URI route, Identity forwarder, String body, Map<String, String> headers)
            throws Exception {
        return cluster.forward(route, forwarder, body, System.currentTimeMillis(), headers);
    }

    private static Identity identity(Network n) {
        return ClusterHubs.identity(n);
    }

    private static void awaitMember(Network on, Network of, String model) {
        ClusterHubs.awaitMember(on, of, model);
    }

    private Network hub() throws Exception {
        return cluster.hub();
    }

    private StandInOllama ollama() {
        return cluster.ollama();
    }

    private HttpResponse<String> post(Network n, String path, String body, Identity consumer) throws Exception {
        return cluster.post(n, path, body, consumer);
    }
}

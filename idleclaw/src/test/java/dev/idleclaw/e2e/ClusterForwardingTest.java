package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.idleclaw.e2e.ClusterHubs.chats;
import static dev.idleclaw.e2e.ClusterHubs.forwarded;

import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.testkit.Behaviour;
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
 * Hubs of one cluster (the machine's Redis, a fresh key prefix; one PostgreSQL ledger, a fresh schema) forwarding
 * chats to each other over the internal route, with real node agents in front of stand-in Ollamas.
 */
class ClusterForwardingTest {
    private static final Duration WAIT = ClusterHubs.WAIT;
    private static final String MODEL = "llama3.2:3b";
    private static final String EMBED = "nomic-embed-text:latest";
    private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    private ClusterHubs cluster;
    private HttpClient http;

    @BeforeEach
    void findStores() {
        cluster = new ClusterHubs(MODEL);
        http = cluster.http;
    }

    @AfterEach
    void closeAll() throws Exception {
        cluster.close();
    }

    @Test
    void aConsumerOnOneHubGetsEveryDialectsAnswerWithAToolRoundTripFromANodeOnlyOnAnotherHub() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama ollama = ollama();
        ollama.behaviour(Behaviour.defaults().withToolRounds(List.of(Behaviour.ToolCall.of("get_weather", "{\"city\":\"Paris\"}"))));
        Identity worker = Identity.generate(), consumer = Identity.generate();
        b.addNode(ollama, worker);
        awaitMember(a, b);

        String ollamaAsk = "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}";
        var calls = post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"messages\":[" + ollamaAsk + "],\"tools\":" + TOOLS + "}", consumer);
        assertThat(calls.statusCode()).as(calls.body()).isEqualTo(200);
        assertThat(calls.body()).contains("\"tool_calls\"").contains("get_weather").doesNotContain("stand-in");
        var answer = post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"messages\":[" + ollamaAsk
                + ",{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]}"
                + ",{\"role\":\"tool\",\"content\":\"22 C\",\"tool_name\":\"get_weather\"}],\"tools\":" + TOOLS + "}", consumer);
        assertThat(ollamaText(answer.body())).isEqualTo("Hello from the stand-in.");
        assertThat(answer.body()).contains("\"eval_count\"").contains("\"receipt\"");

        String openAiAsk = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"tools\":" + TOOLS + ",\"messages\":[" + ollamaAsk;
        calls = post(a, "/v1/chat/completions", openAiAsk + "]}", consumer);
        assertThat(calls.body()).contains("\"tool_calls\"").contains("get_weather").doesNotContain("stand-in");
        answer = post(a, "/v1/chat/completions", openAiAsk + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"
                + ",{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"22 C\"}]}", consumer);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains(" stand-in").contains(":lobstah-receipt:").contains("[DONE]");

        String anthropicAsk = "{\"model\":\"" + MODEL + "\",\"max_tokens\":256,\"stream\":true,\"tools\":[{\"name\":\"get_weather\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],\"messages\":[" + ollamaAsk;
        calls = post(a, "/v1/messages", anthropicAsk + "]}", consumer);
        assertThat(calls.body()).contains("\"tool_use\"").contains("get_weather").doesNotContain("stand-in");
        answer = post(a, "/v1/messages", anthropicAsk + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\","
                + "\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_1\",\"content\":\"22 C\"}]}]}", consumer);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains(" stand-in").contains("message_stop");

        // Six answers, each recorded once in the shared ledger (by the hub whose node served it), debiting the consumer.
        var audit = LedgerAudit.of(cluster.ledgerUrl());
        assertThat(audit.rows()).isEqualTo(6);
        assertThat(audit.distinctWorkerNonces()).isEqualTo(6);
        assertThat(audit.distinctJobs()).isEqualTo(6);
        assertThat(audit.receipts().values()).allSatisfy(r -> {
            assertThat(r.receipt().workerPubkey()).isEqualTo(worker.publicKey());
            assertThat(r.receipt().requesterPubkey()).isEqualTo(consumer.publicKey());
        });
        assertThat(audit.totals()).isEqualTo(audit.recomputedTotals());
        assertThat(audit.accounts().get(consumer.publicKey())).isEqualTo(audit.recomputedAccounts().get(consumer.publicKey()));
        assertThat(audit.accounts().get(worker.publicKey())).isEqualTo(audit.recomputedAccounts().get(worker.publicKey()));
        assertThat(forwarded(a, "answered")).isEqualTo(6);
        assertThat(forwarded(b, "answered")).isZero();
    }

    @Test
    void aHubServesFromItsOwnNodeWhenItHasOneAndForwardsOnlyWhenItHasNone() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama mine = ollama().recordRequests(true), theirs = ollama().recordRequests(true);
        a.addNode(mine, Identity.generate());
        b.addNode(theirs, Identity.generate());
        awaitMember(a, b);

        for (int i = 0; i < 4; i++) assertThat(ollamaText(post(a, "/api/chat", chat(MODEL), null).body())).isEqualTo("Hello from the stand-in.");
        assertThat(chats(mine)).isEqualTo(4);
        assertThat(chats(theirs)).isZero();
        assertThat(forwarded(a, "answered")).isZero();
    }

    @Test
    void aMemberThatDiesBeforeTheFirstTokenIsFailedOverToAnotherMember() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama stuck = ollama().recordRequests(true);
        stuck.behaviour(Behaviour.defaults().withHangAfter(0));
        b.addNode(stuck, Identity.generate());
        awaitMember(a, b);

        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return post(a, "/api/chat", chat(MODEL), null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        stuck.awaitRequest("/api/chat", WAIT); // B's node holds it, and has sent nothing
        Network c = hub();
        c.addNode(ollama(), Identity.generate());
        awaitMember(a, c);
        b.hub.abort();

        var res = answer.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(ollamaText(res.body())).isEqualTo("Hello from the stand-in.");
        assertThat(forwarded(a, "unavailable")).isEqualTo(1);
        assertThat(forwarded(a, "answered")).isEqualTo(1);
    }

    @Test
    void theInternalRouteRefusesAKeyThatIsNoMemberAndARequestWithoutASignature() throws Exception {
        Network a = hub(), b = hub();
        b.addNode(ollama(), Identity.generate());
        awaitMember(a, b);

        var stranger = forward(b, Identity.generate(), forwardBody(MODEL), System.currentTimeMillis(), null);
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(Json.parse(stranger.body()).path("error").asText()).contains("not a current member");
        var unsigned = http.send(HttpRequest.newBuilder(MemberTransport.route(URI.create(b.url()))).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(forwardBody(MODEL))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(Json.parse(unsigned.body()).path("error").asText()).contains("signed by a member");
        var member = forward(b, ClusterHubs.identity(a), forwardBody(MODEL), System.currentTimeMillis(), null);
        assertThat(member.statusCode()).as(member.body()).isEqualTo(200);
        assertThat(member.body()).contains("\"done\":true").contains("\"receipt\"");
    }

    @Test
    void theInternalRouteRefusesAForwardWhoseClockIsOffByMoreThanTheClusterSkew() throws Exception {
        Network a = hub(), b = hub();
        b.addNode(ollama(), Identity.generate());
        awaitMember(a, b);

        var stale = forward(b, ClusterHubs.identity(a), forwardBody(MODEL), System.currentTimeMillis() - 60_000, null);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(Json.parse(stale.body()).path("error").asText()).contains("stale or future timestamp");
    }

    @Test
    void aReplayedForwardIsRefused() throws Exception {
        Network a = hub(), b = hub();
        b.addNode(ollama(), Identity.generate());
        awaitMember(a, b);

        String body = forwardBody(MODEL);
        var signed = ForwardSignature.sign(ClusterHubs.identity(a), "POST", MemberTransport.PATH, "127.0.0.1:" + b.hub.port(),
                body.getBytes(StandardCharsets.UTF_8), "anonymous", List.of(), System.currentTimeMillis());
        assertThat(forward(b, null, body, 0, signed).statusCode()).isEqualTo(200);
        var replay = forward(b, null, body, 0, signed);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(Json.parse(replay.body()).path("error").asText()).contains("replayed");
    }

    @Test
    void aForwardedRequestIsServedOnlyByTheReceivingHubsOwnNodesNeverForwardedAgain() throws Exception {
        Network a = hub(), b = hub();
        StandInOllama onA = ollama().recordRequests(true);
        a.addNode(onA, Identity.generate());
        awaitMember(b, a); // B could reach A's node through its member link

        var res = forward(b, ClusterHubs.identity(a), forwardBody(MODEL), System.currentTimeMillis(), null);
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(Json.parse(res.body()).path("error").asText()).contains("no node of this hub");
        assertThat(chats(onA)).isZero();
        assertThat(forwarded(b, "answered") + forwarded(b, "unavailable")).isZero();
    }


    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String forwardBody(String model) {
        return "{\"request_id\":\"test\",\"params\":{\"model\":\"" + model + "\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]},\"requester\":null,\"requester_verified\":false,\"credited\":false}";
    }

    /** The text of an Ollama answer, streamed or not. */
    private static String ollamaText(String body) throws Exception {
        var text = new StringBuilder();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) text.append(Json.parse(line).path("message").path("content").asText(""));
        }
        return text.toString();
    }

    /** POSTs to {@code n}'s internal route, signed as {@code forwarder} at {@code timestamp}, or with {@code headers}. */
    private HttpResponse<String> forward(Network n, Identity forwarder, String body, long timestamp, Map<String, String> headers)
            throws Exception {
        return forward(MemberTransport.route(URI.create(n.url())), forwarder, body, timestamp, headers);
    }

    /** POSTs to {@code route} of {@code n}, signed as {@code forwarder} now, or with {@code headers}. */
    private HttpResponse<String> forward(Network n, URI route, Identity forwarder, String body, Map<String, String> headers)
            throws Exception {
        return forward(route, forwarder, body, System.currentTimeMillis(), headers);
    }

    private HttpResponse<String> forward(URI uri, Identity forwarder, String body, long timestamp, Map<String, String> headers)
            throws Exception {
        return cluster.forward(uri, forwarder, body, timestamp, headers);
    }

    private Network hub() throws Exception {
        return cluster.hub();
    }

    private StandInOllama ollama() {
        return cluster.ollama();
    }

    private void awaitMember(Network on, Network of) {
        cluster.awaitMember(on, of);
    }

    private HttpResponse<String> post(Network n, String path, String body, Identity consumer) throws Exception {
        return cluster.post(n, path, body, consumer);
    }
}

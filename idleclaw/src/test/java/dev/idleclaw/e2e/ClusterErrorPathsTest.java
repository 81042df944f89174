package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ClusterHubs.chats;
import static dev.idleclaw.e2e.ClusterHubs.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.wire.NodeLimits;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a consumer on one hub of a cluster sees when the member serving its request refuses it or fails in the middle
 * of the answer (docs/architecture.md "Cluster forwarding"), in each dialect: a refusal is the consumer's, passed on
 * as the dialect's error with the member's words, tried on no other member and held against no node; a failure after
 * the first token is the dialect's in-band error, never an answer that looks complete.
 */
@Timeout(120)
class ClusterErrorPathsTest {
    private static final String MODEL = "llama3.2:3b";
    /** Three messages: more than the members' nodes take. */
    private static final String THREE = "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
            + "{\"role\":\"user\",\"content\":\"how are you?\"}]";
    private static final NodeLimits TWO_MESSAGES = new NodeLimits(2, 10_000, NodeLimits.MIN_REQUEST_BYTES);

    private final ClusterHubs cluster = new ClusterHubs(MODEL);

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void aMembersRefusalReachesTheConsumerInEachDialectWithoutFailoverOrPenalty() throws Exception {
        Network a = cluster.hub(), b = cluster.hub(), c = cluster.hub();
        StandInOllama onB = cluster.ollama().recordRequests(true), onC = cluster.ollama().recordRequests(true);
        Identity nodeB = Identity.generate(), nodeC = Identity.generate();
        b.addNode(onB, nodeB, TWO_MESSAGES);
        c.addNode(onC, nodeC, TWO_MESSAGES);
        cluster.awaitMember(a, b);
        cluster.awaitMember(a, c);
        double before = reputation(b, nodeB) + reputation(c, nodeC);

        var ollama = cluster.post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":" + THREE + "}", null);
        assertThat(ollama.statusCode()).as(ollama.body()).isEqualTo(400);
        assertRefusal(Json.parse(ollama.body()).path("error").asText());

        var openAi = cluster.post(a, "/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":" + THREE + "}", null);
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(400);
        assertRefusal(Json.parse(openAi.body()).path("error").path("message").asText());

        var anthropic = cluster.post(a, "/v1/messages", "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":true,\"messages\":"
                + THREE + "}", null);
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(400);
        assertThat(Json.parse(anthropic.body()).path("type").asText()).isEqualTo("error");
        assertRefusal(Json.parse(anthropic.body()).path("error").path("message").asText());

        // One member asked per request, the other never tried; no node ran it, and none lost reputation.
        assertThat(forwarded(a, "refused")).isEqualTo(3);
        assertThat(forwarded(a, "unavailable") + forwarded(a, "failed_mid_answer") + forwarded(a, "answered")).isZero();
        assertThat(chats(onB) + chats(onC)).isZero();
        assertThat(reputation(b, nodeB) + reputation(c, nodeC)).isEqualTo(before);
    }

    @Test
    void aMembersNodeFailingMidAnswerEndsEachDialectWithItsInBandError() throws Exception {
        Network a = cluster.hub(), b = cluster.hub();
        StandInOllama broken = cluster.ollama();
        broken.behaviour(Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        b.addNode(broken, Identity.generate());
        cluster.awaitMember(a, b);
        String ask = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        var ollama = cluster.post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":true," + ask, null);
        assertThat(ollama.statusCode()).isEqualTo(200);
        assertOllamaCutOff(ollama.body(), "the model failed while answering");

        var openAi = cluster.post(a, "/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"stream\":true," + ask, null);
        assertThat(openAi.statusCode()).isEqualTo(200);
        assertThat(openAi.body()).contains("Hello").contains("\"error\":{\"message\":\"the model failed while answering\"")
                .doesNotContain("[DONE]").doesNotContain("\"finish_reason\":\"stop\"").doesNotContain(":lobstah-receipt:");
        assertThat(openAi.body().strip()).startsWith("data: ").endsWith("}"); // the error event is the last one

        var anthropic = cluster.post(a, "/v1/messages", "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":true," + ask, null);
        assertThat(anthropic.statusCode()).isEqualTo(200);
        assertThat(anthropic.body()).contains("Hello").contains("event: error\n").contains("the model failed while answering")
                .doesNotContain("message_stop").doesNotContain("\"stop_reason\":\"end_turn\"");

        assertThat(forwarded(a, "failed_mid_answer")).isEqualTo(3);
        assertThat(forwarded(a, "answered") + forwarded(a, "unavailable")).isZero();
    }

    @Test
    void aMemberHubDyingMidAnswerEndsTheConsumersStreamWithAnErrorNotADoneLine() throws Exception {
        Network a = cluster.hub(), b = cluster.hub();
        StandInOllama stuck = cluster.ollama().recordRequests(true);
        stuck.behaviour(Behaviour.defaults().withHangAfter(2));
        b.addNode(stuck, Identity.generate());
        cluster.awaitMember(a, b);

        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        stuck.awaitRequest("/api/chat", ClusterHubs.WAIT);
        Thread.sleep(1_000); // the two chunks cross B to A and on to the consumer
        b.hub.abort();

        var res = answer.get(ClusterHubs.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertOllamaCutOff(res.body(), null); // a reset or a closed connection: either is the member gone
        assertThat(forwarded(a, "failed_mid_answer")).isEqualTo(1);
    }

    /**
     * An Ollama stream that relayed the first tokens and then ended on an {@code {"error":…}} line (saying
     * {@code error}, if given), with no done line.
     */
    private static void assertOllamaCutOff(String body, String error) throws Exception {
        List<String> lines = body.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(Json.parse(lines.getFirst()).path("message").path("content").asText()).isEqualTo("Hello");
        String said = Json.parse(lines.getLast()).path("error").asText();
        assertThat(said).isNotBlank();
        if (error != null) assertThat(said).contains(error);
        assertThat(lines).noneMatch(l -> l.contains("\"done\":true"));
    }

    private static void assertRefusal(String message) {
        assertThat(message).contains("accepts this request").contains("messages");
    }

    private static double reputation(Network n, Identity key) {
        NodeLink link = n.hub.registry().registered().stream().filter(l -> key.publicKey().equals(l.pubkey())).findFirst().orElseThrow();
        return n.hub.scheduler().standing(link).reputation();
    }
}

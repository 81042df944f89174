package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion;
import dev.idleclaw.relay.SuspicionChecks;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Suspicion flags on a real hub with real node agents: an honest node and a lying one get the same requests; each
 * lie raises its flag on the liar's row of {@code /admin/nodes} and costs reputation, the honest node raises none, and
 * a consumer's cancel is never held against a node.
 */
@Timeout(120)
class SuspicionTest {
    private static final String TOKEN = "operator-token-for-suspicion-tests";
    private static final String HONEST = "honest:3b", LIAR = "liar:3b";
    /** A claimed 70B model at 4 bits: 40 GB of weights, so at most 125 tokens/s on any hardware. */
    private static final long BIG = 40_000_000_000L;
    /** An honest small model's pace: 1000 tokens/s at most, under the 2 GB stand-in model's bound of ~2500. */
    private static final Duration SMALL_PACE = Duration.ofMillis(1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<StandInOllama> ollamas = new ArrayList<>();
    private Network net;

    @BeforeEach
    void start() throws Exception {
        net = new Network(c -> {
            c.adminToken = TOKEN;
            c.canaryRate = 0; // canaries change reputation too; these tests watch only the flags
        });
    }

    @AfterEach
    void stop() {
        net.close();
        ollamas.forEach(StandInOllama::close);
    }

    private void node(StandInModel model, Behaviour behaviour) {
        var ollama = StandInOllama.start().model(model).behaviour(model.name(), behaviour);
        ollamas.add(ollama);
        net.addNode(ollama);
    }

    private HttpResponse<String> ask(String model) throws Exception {
        return http.send(request(model), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String model) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HttpRequest.newBuilder(URI.create(net.url() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private JsonNode row(String model) throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create(net.url() + "/admin/nodes"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        for (JsonNode n : Json.parse(res.body()).path("nodes")) {
            if (n.path("models").get(0).asText().equals(model)) return n;
        }
        throw new AssertionError("no node serves " + model + ": " + res.body());
    }

    private List<String> reasons(String model) throws Exception {
        var out = new ArrayList<String>();
        row(model).path("flags").forEach(f -> out.add(f.path("reason").asText()));
        return out;
    }

    private void askBoth(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            ask(HONEST);
            ask(LIAR);
        }
    }

    private void assertHonestUntouched() throws Exception {
        assertThat(row(HONEST).path("flags")).isEmpty();
        assertThat(row(HONEST).path("reputation").asDouble()).isEqualTo(Scheduler.INITIAL_REPUTATION);
    }

    @Test
    void inflatedTokenCountsRaiseATokenCountFlagWithItsReason() throws Exception {
        node(StandInModel.of(HONEST), Lies.honest(40, SMALL_PACE));
        node(StandInModel.of(LIAR), Lies.inflatedCounts(Lies.honest(40, SMALL_PACE), 10));
        askBoth(2);
        assertThat(reasons(LIAR)).containsExactly("token_count", "token_count");
        assertThat(row(LIAR).path("flags").get(0).path("detail").asText()).startsWith("claimed 400 output tokens of " + LIAR);
        assertThat(row(LIAR).path("reputation").asDouble())
                .isEqualTo(Scheduler.INITIAL_REPUTATION - 2 * SuspicionChecks.TOKEN_COUNT_PENALTY, org.assertj.core.data.Offset.offset(1e-9));
        assertHonestUntouched();
        assertThat(metrics()).contains("idleclaw_node_suspicion_total{reason=\"token_count\"} 2.0");
    }

    @Test
    void aTruncatedAnswerClaimingTheFullCountRaisesATokenCountFlag() throws Exception {
        node(StandInModel.of(HONEST), Lies.honest(40, SMALL_PACE));
        node(StandInModel.of(LIAR), Lies.truncated(Lies.honest(40, SMALL_PACE), 3));
        askBoth(1);
        assertThat(reasons(LIAR)).containsExactly("token_count");
        assertThat(row(LIAR).path("reputation").asDouble()).isLessThan(Scheduler.INITIAL_REPUTATION);
        assertHonestUntouched();
    }

    @Test
    void answersTooFastForTheClaimedModelSizeRaiseATooFastFlag() throws Exception {
        assertThat(SuspicionChecks.maxTokensPerSecond(BIG)).isEqualTo(125.0);
        node(StandInModel.of(HONEST).withSize(BIG), Lies.honest(40, Duration.ofMillis(12))); // ~80 tokens/s
        node(StandInModel.of(LIAR).withSize(BIG), Lies.tooFast(40));
        askBoth(2);
        assertThat(reasons(LIAR)).containsExactly("too_fast", "too_fast");
        assertThat(row(LIAR).path("flags").get(0).path("detail").asText()).contains("decodes at most 125 tokens/s");
        assertThat(row(LIAR).path("reputation").asDouble()).isLessThan(Scheduler.INITIAL_REPUTATION);
        assertHonestUntouched();
    }

    @Test
    void tooManyAnswersBrokenOffByTheNodeRaiseAnAbortsFlag() throws Exception {
        node(StandInModel.of(HONEST), Lies.honest(40, SMALL_PACE));
        node(StandInModel.of(LIAR), Lies.brokenOff(Lies.honest(40, SMALL_PACE), 3));
        askBoth(Suspicion.ABORT_LIMIT - 1);
        assertThat(reasons(LIAR)).isEmpty();
        askBoth(1);
        assertThat(reasons(LIAR)).containsExactly("aborts");
        assertThat(row(LIAR).path("flags").get(0).path("detail").asText()).startsWith("5 of its last 20 answers broken off");
        assertThat(row(LIAR).path("reputation").asDouble()).isLessThanOrEqualTo(Scheduler.INITIAL_REPUTATION
                - Suspicion.ABORT_LIMIT * Scheduler.FAILURE_PENALTY - SuspicionChecks.ABORTS_PENALTY + 1e-9);
        assertHonestUntouched();
    }

    @Test
    void fiftyHonestAnswersOfEveryShapeRaiseNoFlag() throws Exception {
        node(StandInModel.of(HONEST), Lies.honest(40, SMALL_PACE));
        node(StandInModel.of("slow:70b").withSize(BIG), Lies.honest(40, Duration.ofMillis(12)));
        for (int i = 0; i < 50; i++) assertThat(ask(HONEST).statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) assertThat(ask("slow:70b").statusCode()).isEqualTo(200);
        assertHonestUntouched();
        assertThat(row("slow:70b").path("flags")).isEmpty();
        assertThat(row(HONEST).path("answers").asInt()).isEqualTo(50);
        assertThat(metrics()).doesNotContain("idleclaw_node_suspicion_total{");
    }

    @Test
    void consumersCancellingMidStreamRaiseNothing() throws Exception {
        node(StandInModel.of(HONEST), Lies.honest(200, Duration.ofMillis(10)));
        for (int i = 0; i < 2 * Suspicion.ABORT_LIMIT; i++) {
            var res = http.send(request(HONEST), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = res.body()) {
                assertThat(body.read()).isNotNegative(); // the answer is under way; then the consumer goes
            }
            // The node's Ollama stops when the hub's cancel reaches it; the next request waits for that (see docs/trust.md).
            await().atMost(Duration.ofSeconds(10)).until(() -> ollamas.getFirst().openStreams() == 0);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> row(HONEST).path("active_requests").asInt() == 0);
        assertHonestUntouched();
    }

    private String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(net.url() + "/metrics")).header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

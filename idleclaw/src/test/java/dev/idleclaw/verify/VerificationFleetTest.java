package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.Nondeterminism;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verification on a real hub with real node agents in front of generative stand-ins (docs/trust.md): liars are caught
 * by canaries, fingerprints and re-runs, honest nodes with their hardware's small nondeterminism are not, and
 * re-runs never reach or charge the consumer.
 */
@Timeout(240)
class VerificationFleetTest {
    private static final String MODEL = "llama3.1:8b";
    /** A small model's plausible pace, under the too-fast bound of the stand-in's 2 GB model (about 2500 tokens/s). */
    private static final Duration PACE = Duration.ofMillis(1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<StandInOllama> ollamas = new ArrayList<>();
    private Network net;

    @AfterEach
    void stop() {
        if (net != null) net.close();
        ollamas.forEach(StandInOllama::close);
    }

    private void hub(Consumer<dev.idleclaw.server.HubConfig.Builder> change) throws Exception {
        net = new Network(c -> {
            c.canaryRate = 0;
            c.rerunShare = 0;
            c.verifySameAddress = true; // the whole fleet runs on this machine, each node under its own key
            change.accept(c);
        });
    }

    /** Starts a node agent with its own key for a stand-in serving {@code model} with {@code behaviour}; its link. */
    private NodeLink node(String model, Behaviour behaviour) {
        var ollama = StandInOllama.start().model(StandInModel.of(model)).behaviour(model, behaviour.withDelayPerToken(PACE));
        ollamas.add(ollama);
        Set<NodeLink> before = new HashSet<>(net.hub.registry().registered());
        net.addNode(ollama, Identity.generate());
        return net.hub.registry().registered().stream().filter(l -> !before.contains(l)).findFirst().orElseThrow();
    }

    private static List<Suspicion.Reason> reasons(NodeLink link) {
        return link.suspicion().flags().stream().map(Suspicion.Flag::reason).toList();
    }

    private HttpResponse<String> chat(String model, String prompt, String bearer) throws Exception {
        var body = Json.object().put("model", model).put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        var req = HttpRequest.newBuilder(URI.create(net.url() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (bearer != null) req.header("Authorization", "Bearer " + bearer);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNodeFailingHiddenCanariesIsFlaggedAndStarvedWhileStillBeingChecked() throws Exception {
        hub(c -> c.canaryRate = 3600); // one hidden check per node per second on average
        NodeLink honest = node("honest:8b", Lies.honest(Nondeterminism.typical()));
        NodeLink liar = node("liar:8b", Lies.randomTokens());
        await().atMost(Duration.ofSeconds(90)).until(() -> net.hub.scheduler().reputation(liar) == 0);
        assertThat(reasons(liar)).contains(Suspicion.Reason.CANARY);
        assertThat(liar.suspicion().flags().getFirst().detail()).matches("wrong answer to a [a-z_]+ canary on liar:8b");
        assertThat(chat("liar:8b", "hi", null).statusCode()).isIn(404, 503); // no consumer traffic: not even listed
        long flagged = liar.suspicion().counts().get(Suspicion.Reason.CANARY);
        await().atMost(Duration.ofSeconds(30)).until(() -> liar.suspicion().counts().get(Suspicion.Reason.CANARY) > flagged);
        assertThat(honest.suspicion().flags()).isEmpty();
        assertThat(net.hub.scheduler().reputation(honest)).isGreaterThan(Scheduler.INITIAL_REPUTATION);
        assertThat(honest.served().probesPassed()).isPositive();
        assertThat(net.hub.metrics().scrape("text/plain")).contains("idleclaw_verification_total{check=\"canary\",outcome=\"passed\"}")
                .contains("idleclaw_node_suspicion_total{reason=\"canary\"}");
    }

    @Test
    void otherWeightsAndACanaryDetectorPassCanariesButFailFingerprints() throws Exception {
        hub(c -> {});
        var checks = net.hub.verification().checks();
        List<NodeLink> honest = List.of(node(MODEL, Lies.honest(Nondeterminism.typical())),
                node(MODEL, Lies.honest(Nondeterminism.typical())), node(MODEL, Lies.honest(Nondeterminism.typical())));
        // The reference comes from trusted nodes: on a new network, the operator vouches for the first ones.
        for (NodeLink n : honest) net.hub.scheduler().operator(n.pubkey(), dev.idleclaw.registry.Standing.Action.TRUST);
        NodeLink detector = node(MODEL, Lies.canaryDetector());
        NodeLink smart = node(MODEL, Lies.otherWeights(Lies.SMALL_MODEL, 1.0)); // a small model that aces every canary
        for (NodeLink liar : List.of(detector, smart)) {
            for (int i = 0; i < 5; i++) assertThat(checks.canary(liar, MODEL)).isTrue();
            assertThat(liar.suspicion().flags()).isEmpty();
        }
        for (int prompt = 0; prompt < Fingerprints.PROMPTS.size(); prompt++) {
            for (NodeLink n : honest) assertThat(checks.fingerprint(n, MODEL, prompt, new HashSet<>())).isTrue();
            checks.fingerprint(detector, MODEL, prompt, new HashSet<>());
            checks.fingerprint(smart, MODEL, prompt, new HashSet<>());
        }
        assertThat(reasons(detector)).containsOnly(Suspicion.Reason.FINGERPRINT).hasSize(Fingerprints.PROMPTS.size());
        assertThat(reasons(smart)).containsOnly(Suspicion.Reason.FINGERPRINT).hasSize(Fingerprints.PROMPTS.size());
        assertThat(detector.suspicion().flags().getFirst().detail()).contains("differs from the reference");
        assertThat(net.hub.scheduler().reputation(detector)).isZero();
        for (NodeLink n : honest) assertThat(n.suspicion().flags()).isEmpty();
    }

    @Test
    void reRunsCatchOtherWeightsWithoutReachingOrChargingTheConsumer() throws Exception {
        hub(c -> c.rerunShare = 1);
        for (int i = 0; i < 3; i++) node(MODEL, Lies.honest(Nondeterminism.typical()));
        NodeLink liar = node(MODEL, Lies.otherWeights(Lies.SMALL_MODEL, 1.0));
        Identity owner = Identity.generate();
        String key = dev.idleclaw.auth.ApiKeys.generate();
        net.hub.ledger().addApiKey(dev.idleclaw.auth.ApiKeys.sha256(key), owner.publicKey(), "test");
        int asked = 0;
        while (!reasons(liar).contains(Suspicion.Reason.RERUN) && asked < 200) {
            var res = chat(MODEL, "Tell me about topic number " + asked + ", please.", key);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body().lines().filter(l -> l.contains("\"done\":true")).count()).isOne();
            asked++;
            if (asked % 8 == 0) Thread.sleep(200); // let the background re-runs keep up
        }
        int consumerRequests = asked;
        await().atMost(Duration.ofSeconds(20)).until(() -> reasons(liar).contains(Suspicion.Reason.RERUN));
        await().atMost(Duration.ofSeconds(20)).until(() -> net.hub.stats().active() == 0);
        var receipts = net.hub.ledger().recent(10_000);
        var charged = receipts.stream().filter(r -> r.receipt().requesterPubkey().equals(owner.publicKey())).toList();
        assertThat(charged).hasSize(consumerRequests);
        assertThat(net.hub.ledger().account(owner.publicKey()).spent())
                .isEqualTo(charged.stream().mapToLong(r -> r.receipt().tokens()).sum());
        assertThat(net.hub.metrics().scrape("text/plain")).contains("idleclaw_requests_total{door=\"ollama\",model=\"" + MODEL
                + "\",outcome=\"done\"} " + consumerRequests + ".0").contains("idleclaw_verification_total{check=\"rerun\"");
        for (NodeLink n : net.hub.registry().registered()) {
            if (n != liar) assertThat(n.suspicion().flags()).as("honest node flags").isEmpty();
        }
    }

    @Test
    void honestNodesWithHardwareNondeterminismAreNeverFlaggedOverHundredsOfRequests() throws Exception {
        hub(c -> c.rerunShare = 1);
        var checks = net.hub.verification().checks();
        List<NodeLink> honest = new ArrayList<>();
        for (int i = 0; i < 3; i++) honest.add(node(MODEL, Lies.honest(Nondeterminism.typical())));
        for (int i = 0; i < 300; i++) {
            assertThat(chat(MODEL, "Question " + i + ": how do tides work in bay number " + i + "?", null).statusCode()).isEqualTo(200);
            if (i % 10 == 0) {
                for (NodeLink n : honest) checks.checkNow(n);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> net.hub.stats().active() == 0);
        String metrics = net.hub.metrics().scrape("text/plain");
        assertThat(metrics).contains("idleclaw_verification_total{check=\"rerun\",outcome=\"passed\"}")
                .doesNotContain("outcome=\"failed\"").doesNotContain("idleclaw_node_suspicion_total");
        for (NodeLink n : honest) {
            assertThat(n.suspicion().flags()).isEmpty();
            assertThat(net.hub.scheduler().reputation(n)).isGreaterThanOrEqualTo(Scheduler.INITIAL_REPUTATION);
        }
    }
}

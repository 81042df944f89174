package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.registry.Standing;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.Nondeterminism;
import dev.idleclaw.testkit.StandInModel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The honest false-positive measurement of docs/trust.md: honest nodes with their hardware's typical nondeterminism,
 * every eligible consumer chat re-run and hidden checks at the highest rate, over {@value #REQUESTS} consumer requests.
 * No honest node may be flagged; the printed counts give the rate's bound (0 in n → below 3/n at 95 %).
 */
@Timeout(300)
class HonestFleetFalsePositiveTest {
    /** Hidden checks run on each node once the load is over: enough with the load's to state a rate. */
    private static final int IDLE_CHECKS_PER_NODE = 20;
    /** Consumer requests measured: enough re-run comparisons and hidden checks to bound the rate below 1 %. */
    static final int REQUESTS = 1200;
    static final int CONCURRENCY = 6;

    @Test
    void honestNodesRaiseNoFlagOverThousandsOfComparisonsAndChecks() throws Exception {
        try (var fleet = new TrustFleet(c -> {
            c.canaryRate = dev.idleclaw.config.VerifySettings.MAX_CANARY_RATE;
            c.rerunShare = 1;
        })) {
            var model = StandInModel.of(TrustFleet.MODEL); // 2 GB: 2500 tokens/s at most; these run at under 1000
            var behaviour = Lies.honest(Nondeterminism.typical()).withDelayPerToken(Duration.ofMillis(1));
            for (int i = 1; i <= 5; i++) fleet.node("honest_" + i, model, behaviour);
            var scheduler = fleet.net.hub.scheduler();
            for (int i = 1; i <= 2; i++) scheduler.operator(fleet.members.get("honest_" + i).key().publicKey(), Standing.Action.TRUST);
            fleet.consumers(3);
            try (var pool = Executors.newFixedThreadPool(CONCURRENCY)) {
                for (int i = 0; i < REQUESTS; i++) {
                    int n = i;
                    pool.submit(() -> fleet.ask(n));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.net.hub.stats().active() == 0);
            // Hidden checks wait for a free slot, so a busy fleet gets few: run a fixed number more on the idle nodes.
            var checker = fleet.net.hub.verification().checks();
            for (var m : fleet.members.values()) {
                int ran = 0;
                for (int tries = 0; ran < IDLE_CHECKS_PER_NODE && tries < 4 * IDLE_CHECKS_PER_NODE; tries++) {
                    if (checker.checkNow(m.link())) ran++;
                }
                assertThat(ran).as("hidden checks run on idle " + m.kind()).isEqualTo(IDLE_CHECKS_PER_NODE);
            }
            String metrics = fleet.net.hub.metrics().scrape("text/plain");
            // An agreeing comparison passes both nodes: two verdicts.
            long reruns = count(metrics, "rerun", "passed") / 2 + count(metrics, "rerun", "disagreed") + count(metrics, "rerun", "inconclusive");
            long checks = count(metrics, "canary", "passed") + count(metrics, "canary", "failed")
                    + count(metrics, "fingerprint", "passed") + count(metrics, "fingerprint", "failed");
            long flags = fleet.members.values().stream().mapToLong(m -> m.link().suspicion().flags().size()).sum();
            System.out.printf("HonestFleetFalsePositiveTest: %d consumer requests (%d failed), %d re-run comparisons (%d node"
                            + " verdicts passed, %d disagreed, %d inconclusive), %d hidden checks (%d canaries, %d fingerprints);"
                            + " %d flags on honest nodes%n", fleet.sent.get(), fleet.failed.get(), reruns, count(metrics, "rerun", "passed"),
                    count(metrics, "rerun", "disagreed"), count(metrics, "rerun", "inconclusive"), checks,
                    count(metrics, "canary", "passed") + count(metrics, "canary", "failed"),
                    count(metrics, "fingerprint", "passed") + count(metrics, "fingerprint", "failed"), flags);
            assertThat(flags).isZero();
            assertThat(metrics).doesNotContain("outcome=\"failed\"").doesNotContain("idleclaw_node_suspicion_total");
            assertThat(reruns).as("re-run comparisons").isGreaterThan(REQUESTS / 2);
            assertThat(checks).as("hidden checks").isGreaterThanOrEqualTo(5L * IDLE_CHECKS_PER_NODE);
            for (var m : fleet.members.values()) assertThat(scheduler.standing(m.link()).state().suspended()).isFalse();
        }
    }

    /** The counter {@code idleclaw_verification_total{check,outcome}} (0 if absent). */
    private static long count(String metrics, String check, String outcome) {
        var m = Pattern.compile("idleclaw_verification_total\\{check=\"" + check + "\",outcome=\"" + outcome + "\"} ([0-9.E]+)").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}

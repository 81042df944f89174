package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampled re-runs: a share of consumer chats whose consumer chose neither temperature nor seed is sent greedily
 * ({@link #plan}); once the consumer's answer has ended, the same request runs again on a second node serving the same
 * model digest (never the same key or address), in the background, never shown or charged to the consumer. The two
 * answers' openings are compared by the {@link PrefixRule}. On a disagreement a third, trusted node breaks the tie and
 * the odd one out is flagged; with no third node, a node whose agreement rate is far below its peers' is ({@link Agreement}).
 */
public final class Reruns {
    private static final Logger log = LoggerFactory.getLogger(Reruns.class);
    /** Reputation each agreeing node earns: a re-run is a passed check, a small one (it is frequent). */
    public static final double RERUN_REWARD = 0.02;
    /** Reputation the odd one out (or the statistical outlier) loses. */
    public static final double RERUN_PENALTY = 0.3;
    /** Re-runs at once over the whole hub; a sample finding none free is skipped, never queued. */
    static final int MAX_RUNNING = 4;
    /** How long a re-run waits for a free slot on an eligible node: it runs on spare capacity only. */
    static final Duration SLOT_WAIT = Duration.ofSeconds(10);
    /** How often a waiting re-run looks for a free slot again. */
    static final Duration SLOT_POLL = Duration.ofMillis(200);

    /** A sampled request: the seed both runs use. */
    public record Plan(long seed) {
        /** {@code params} answered greedily with this plan's seed. */
        public ObjectNode apply(ObjectNode params) {
            return Greedy.apply(params, seed);
        }
    }

    private final Scheduler scheduler;
    private final Verdicts verdicts;
    private final Agreement agreement;
    private final Receipts receipts;
    private final double share;
    private final boolean sameAddress;
    private final RandomGenerator random;
    private final Semaphore running = new Semaphore(MAX_RUNNING);

    Reruns(Scheduler scheduler, Verdicts verdicts, Agreement agreement, Receipts receipts, double share, boolean sameAddress,
           RandomGenerator random) {
        this.scheduler = scheduler;
        this.verdicts = verdicts;
        this.agreement = agreement;
        this.receipts = receipts;
        this.share = share;
        this.sameAddress = sameAddress;
        this.random = random;
    }

    /**
     * Whether to sample this consumer request about to go to {@code first}: at the configured share, when the consumer
     * set neither temperature nor seed, the request offers no tools, and another node could re-run it. Null: not sampled.
     */
    public Plan plan(NodeLink first, String model, ObjectNode params) {
        if (share <= 0 || random.nextDouble() >= share || Greedy.chosenByConsumer(params) || params.has("tools")) return null;
        if (!Nodes.checkable(first) || Nodes.digest(first, model) == null || others(model, List.of(first)).isEmpty()) return null;
        return new Plan(random.nextLong() & Long.MAX_VALUE);
    }

    /**
     * The consumer's answer from {@code first} ended normally with {@code answer}'s opening: re-runs the request in the
     * background ({@code params} builds it for another node, as the door does). Returns at once.
     */
    public void answered(Plan plan, String model, NodeLink first, Prefix answer, Function<NodeLink, ObjectNode> params) {
        if (!running.tryAcquire()) {
            verdicts.counted("rerun", "skipped");
            return;
        }
        Thread.ofVirtual().name("rerun").start(() -> {
            try {
                compare(plan, model, first, answer, params);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("re-run of a request on {} failed", model, e);
            } finally {
                running.release();
            }
        });
    }

    void compare(Plan plan, String model, NodeLink first, Prefix firstAnswer, Function<NodeLink, ObjectNode> params)
            throws InterruptedException {
        String digest = Nodes.digest(first, model);
        var second = run(plan, model, List.of(first), params, l -> true);
        if (second == null) {
            verdicts.counted("rerun", "skipped");
            return;
        }
        boolean agreed = PrefixRule.agree(firstAnswer, second.answer());
        agreement.record(digest, Nodes.identity(first), Nodes.identity(second.link()), agreed);
        agreement.record(digest, Nodes.identity(second.link()), Nodes.identity(first), agreed);
        if (agreed) {
            verdicts.passed(first, "rerun", RERUN_REWARD);
            verdicts.passed(second.link(), "rerun", RERUN_REWARD);
            return;
        }
        var third = run(plan, model, List.of(first, second.link()), params, this::trusted);
        if (third == null) {
            judgeByStatistics(digest, model, first);
            judgeByStatistics(digest, model, second.link());
            return;
        }
        boolean withFirst = PrefixRule.agree(third.answer(), firstAnswer), withSecond = PrefixRule.agree(third.answer(), second.answer());
        agreement.record(digest, Nodes.identity(third.link()), withFirst || withSecond);
        if (withFirst == withSecond) {
            verdicts.counted("rerun", "inconclusive");
            return;
        }
        NodeLink odd = withFirst ? second.link() : first, even = withFirst ? first : second.link();
        verdicts.passed(even, "rerun", RERUN_REWARD);
        verdicts.passed(third.link(), "rerun", RERUN_REWARD);
        verdicts.failed(odd, Reason.RERUN, "rerun", RERUN_PENALTY, "greedy answer on " + model + " disagreed with two other"
                + " nodes serving digest " + HiddenChecks.shortDigest(digest) + " (the third broke the tie)");
    }

    private void judgeByStatistics(String digest, String model, NodeLink link) {
        Object who = Nodes.identity(link);
        if (!agreement.outlier(digest, who)) {
            verdicts.counted("rerun", "disagreed");
            return;
        }
        var own = agreement.rate(digest, who);
        var peers = agreement.peers(digest, who);
        agreement.forget(digest, who);
        verdicts.failed(link, Reason.RERUN, "rerun", RERUN_PENALTY, String.format("greedy answers on %s agreed with other"
                + " nodes' in %.0f%% of %.0f re-runs; its peers for digest %s agree in %.0f%%", model, 100 * own.rate(),
                own.total(), HiddenChecks.shortDigest(digest), 100 * peers.rate()));
    }

    /** One re-run's result. */
    record Rerun(NodeLink link, Prefix answer) {}

    /**
     * Whether {@code link} may break a tie: a node that has earned trust and is not suspended. Liars of one kind (the
     * same small model behind two keys) agree with each other; letting one break the tie between the other and an
     * honest node would flag the honest one.
     */
    private boolean trusted(NodeLink link) {
        return !scheduler.onProbation(link) && !scheduler.suspended(link);
    }

    /**
     * Re-runs on a node independent of every one in {@code before} and {@code eligible}, waiting a bounded time for a
     * slot; null if none.
     */
    private Rerun run(Plan plan, String model, List<NodeLink> before, Function<NodeLink, ObjectNode> params,
                      java.util.function.Predicate<NodeLink> eligible) throws InterruptedException {
        Lease lease = slot(model, before, eligible);
        if (lease == null) return null;
        ObjectNode p = plan.apply(params.apply(lease.link()));
        if (NodeRun.run(lease, p, true, receipts) instanceof NodeRun.Answered a) return new Rerun(lease.link(), a.prefix());
        verdicts.counted("rerun", "error");
        return null;
    }

    private Lease slot(String model, List<NodeLink> before, java.util.function.Predicate<NodeLink> eligible)
            throws InterruptedException {
        long deadline = System.nanoTime() + SLOT_WAIT.toNanos();
        while (true) {
            List<NodeLink> candidates = new ArrayList<>(others(model, before).stream().filter(eligible).toList());
            if (candidates.isEmpty()) return null;
            Collections.shuffle(candidates, java.util.concurrent.ThreadLocalRandom.current());
            for (NodeLink l : candidates) {
                Lease lease = scheduler.tryAcquire(l);
                if (lease != null) return lease;
            }
            if (System.nanoTime() - deadline >= 0) return null;
            Thread.sleep(SLOT_POLL);
        }
    }

    /** Open node agents serving {@code model} with the same digest as {@code before}'s first, independent of each of them. */
    List<NodeLink> others(String model, List<NodeLink> before) {
        String digest = Nodes.digest(before.getFirst(), model);
        return scheduler.serving(model).stream()
                .filter(l -> Nodes.checkable(l) && digest.equals(Nodes.digest(l, model)))
                .filter(l -> before.stream().allMatch(b -> b != l && (sameAddress ? b.pubkey() == null || !b.pubkey().equals(l.pubkey())
                        : Nodes.independent(b, l))))
                .toList();
    }
}

package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Suspicion.Reason;
import dev.idleclaw.wire.ModelInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.random.RandomGenerator;

/**
 * Hidden canaries and fingerprints, sent to each node at random times: the gaps are exponential (a Poisson process at
 * the operator's rate per node per hour), so their timing tells nothing. A check goes only to a node with a free slot
 * ({@link dev.idleclaw.registry.Scheduler#tryAcquire}, which ignores reputation, so a suspended node is still checked
 * and can recover). A connection's first checks fingerprint each of its models once; afterwards
 * {@link #FINGERPRINT_SHARE} of the checks are fingerprints and the rest canaries.
 */
public final class HiddenChecks {
    /** Reputation a passed canary earns (the old probe's reward). */
    public static final double CANARY_REWARD = 0.05;
    /** Reputation a failed canary costs: a wrong answer to an easy task is worse than a right one is good. */
    public static final double CANARY_PENALTY = 0.2;
    /** Reputation a matching fingerprint earns. */
    public static final double FINGERPRINT_REWARD = 0.05;
    /** Reputation a fingerprint mismatch costs: other weights than the digest claims, whatever the node says. */
    public static final double FINGERPRINT_PENALTY = 0.5;
    /** Share of later checks that are fingerprints: they are fixed prompts, so rarer than canaries. */
    static final double FINGERPRINT_SHARE = 0.1;
    /** Models per connection fingerprinted at its first checks: nodes offer a handful; more is a flood. */
    static final int MAX_FIRST_FINGERPRINTS = 8;
    /** Hidden checks running at once over the whole hub: verification must never take over the network. */
    static final int MAX_RUNNING = 16;
    /** When a due node has no free slot, seconds until the next look at most (a random wait within). */
    static final double BUSY_RETRY_SECONDS = 10;

    private final NodeRegistry registry;
    private final Verdicts verdicts;
    private final Fingerprints fingerprints;
    private final List<RequestShape> shapes;
    private final Receipts receipts;
    private final CanaryPrompts prompts;
    private final RandomGenerator random;
    private final double perSecond;
    private final Semaphore running = new Semaphore(MAX_RUNNING);
    /** Per connection: when its next check is due (nanoTime), and which digests it has been fingerprinted on. */
    private final Map<NodeLink, Long> due = new ConcurrentHashMap<>();
    private final Map<NodeLink, Set<String>> fingerprinted = new ConcurrentHashMap<>();
    private final Set<NodeLink> busy = ConcurrentHashMap.newKeySet();

    HiddenChecks(NodeRegistry registry, Verdicts verdicts, Fingerprints fingerprints, List<RequestShape> shapes,
                 Receipts receipts, double perHour, RandomGenerator random) {
        this.registry = registry;
        this.verdicts = verdicts;
        this.fingerprints = fingerprints;
        this.shapes = List.copyOf(shapes);
        this.receipts = receipts;
        this.random = random;
        this.prompts = new CanaryPrompts(random);
        this.perSecond = perHour / 3600.0;
    }

    /** Starts the checks that are due on their own virtual threads; forgets closed connections. Called every second or so. */
    public void tick() {
        long now = System.nanoTime();
        due.keySet().removeIf(NodeLink::isClosed);
        fingerprinted.keySet().removeIf(NodeLink::isClosed);
        for (NodeLink link : registry.registered()) {
            if (!Nodes.checkable(link) || perSecond <= 0) continue;
            long at = due.computeIfAbsent(link, l -> now + gap());
            if (now - at < 0 || busy.contains(link) || !running.tryAcquire()) continue;
            busy.add(link);
            Thread.ofVirtual().name("hidden-check").start(() -> {
                try {
                    boolean ran = checkNow(link);
                    due.put(link, System.nanoTime() + (ran ? gap() : (long) (random.nextDouble() * BUSY_RETRY_SECONDS * 1e9)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    busy.remove(link);
                    running.release();
                }
            });
        }
    }

    /** An exponential gap at the rate, in nanoseconds. */
    private long gap() {
        return (long) (-Math.log(1 - random.nextDouble()) / perSecond * 1e9);
    }

    /**
     * Runs the node's next check now (a first fingerprint, a later one at random, or a canary); false when the node had
     * no free slot or no chat model, so nothing ran.
     */
    public boolean checkNow(NodeLink link) throws InterruptedException {
        var seen = fingerprinted.computeIfAbsent(link, l -> ConcurrentHashMap.newKeySet());
        boolean trusted = !verdicts.scheduler().onProbation(link) && !verdicts.scheduler().suspended(link);
        for (ModelInfo m : link.models()) {
            String digest = Nodes.digest(link, m.name());
            if (digest != null && Nodes.chats(link, m) && seen.size() < MAX_FIRST_FINGERPRINTS && !seen.contains(digest)) {
                // A newcomer's first fingerprint waits for a reference (a canary meanwhile); a trusted node votes.
                int index = fingerprints.prompt(digest, !trusted);
                if (index < 0 && trusted) index = random.nextInt(Fingerprints.PROMPTS.size());
                if (index >= 0) return fingerprint(link, m.name(), index, seen);
            }
        }
        List<ModelInfo> chat = link.models().stream().filter(m -> Nodes.chats(link, m)).toList();
        if (chat.isEmpty()) return false;
        ModelInfo m = chat.get(random.nextInt(chat.size()));
        if (Nodes.digest(link, m.name()) != null && random.nextDouble() < FINGERPRINT_SHARE) {
            return fingerprint(link, m.name(), random.nextInt(Fingerprints.PROMPTS.size()), seen);
        }
        return canary(link, m.name());
    }

    /** Sends one canary for {@code model}; false when the node had no free slot. */
    boolean canary(NodeLink link, String model) throws InterruptedException {
        var canary = prompts.next();
        ObjectNode params = shape().params(model, canary.messages(), link);
        Lease lease = verdicts.scheduler().tryAcquire(link);
        if (lease == null) return false;
        var outcome = NodeRun.run(lease, params, false, receipts);
        switch (outcome) {
            case NodeRun.Answered a when canary.task().passes(a.text()) -> {
                link.served().probed(true);
                verdicts.passed(link, "canary", CANARY_REWARD);
            }
            case NodeRun.Answered a -> {
                link.served().probed(false);
                verdicts.failed(link, Reason.CANARY, "canary", CANARY_PENALTY, "wrong answer to a " + canary.task().kind()
                        + " canary on " + model);
            }
            case NodeRun.Failed f -> {
                link.served().probed(false);
                verdicts.counted("canary", "error");
                verdicts.scheduler().adjustReputation(link, -dev.idleclaw.registry.Scheduler.FAILURE_PENALTY, "failed_check");
            }
        }
        return true;
    }

    /** Sends fingerprint prompt {@code index} for {@code model}; false when the node had no free slot. */
    boolean fingerprint(NodeLink link, String model, int index, Set<String> seen) throws InterruptedException {
        String digest = Nodes.digest(link, model);
        List<ChatMessage> messages = Fingerprints.messages(index);
        // Always the first (plain) shape: a door's own system text (the IdleClaw door's names the date) changes the answer.
        ObjectNode params = Greedy.apply(shapes.getFirst().params(model, messages, link), Fingerprints.SEED);
        Lease lease = verdicts.scheduler().tryAcquire(link);
        if (lease == null) return false;
        seen.add(digest);
        var outcome = NodeRun.run(lease, params, true, receipts);
        if (!(outcome instanceof NodeRun.Answered a)) {
            verdicts.counted("fingerprint", "error");
            verdicts.scheduler().adjustReputation(link, -dev.idleclaw.registry.Scheduler.FAILURE_PENALTY, "failed_check");
            return true;
        }
        var scheduler = verdicts.scheduler();
        boolean trusted = !scheduler.onProbation(link) && !scheduler.suspended(link);
        switch (fingerprints.judge(Nodes.identity(link), trusted, digest, index, a.prefix())) {
            case MATCH -> verdicts.passed(link, "fingerprint", FINGERPRINT_REWARD);
            case MISMATCH -> verdicts.failed(link, Reason.FINGERPRINT, "fingerprint", FINGERPRINT_PENALTY,
                    "greedy answer to fingerprint prompt " + (index + 1) + " of " + model + " differs from the reference"
                    + " of trusted nodes for digest " + shortDigest(digest));
            case NO_REFERENCE -> {
                verdicts.counted("fingerprint", "skipped");
                if (!trusted) seen.remove(digest); // judged once a reference exists
            }
        }
        return true;
    }

    static String shortDigest(String digest) {
        String d = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return d.substring(0, Math.min(12, d.length()));
    }

    private RequestShape shape() {
        return shapes.get(random.nextInt(shapes.size()));
    }
}

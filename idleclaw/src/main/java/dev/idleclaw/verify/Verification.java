package dev.idleclaw.verify;

import dev.idleclaw.config.VerifySettings;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Scheduler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The hub's verification of its nodes' output (docs/trust.md): hidden canaries and fingerprints sent to each node at
 * random times ({@link HiddenChecks}), and sampled re-runs of consumer chats on a second node ({@link Reruns}).
 * The hub calls {@link #tick} every {@link #TICK}; the relay asks {@link #reruns()} which requests to sample.
 */
public final class Verification {
    /** How often due hidden checks are started: far below the mean gap between two checks of one node. */
    public static final Duration TICK = Duration.ofSeconds(1);

    private final VerifySettings settings;
    private final HiddenChecks hidden;
    private final Reruns reruns;

    /**
     * {@code shapes}: the request shapes of the hub's doors, which hidden checks imitate (fingerprints always use the
     * first, which must not depend on the day or the node); {@code receipts}: where their
     * receipts go; {@code metrics}: where results are counted.
     */
    public Verification(VerifySettings settings, NodeRegistry registry, Scheduler scheduler, List<RequestShape> shapes,
                        Receipts receipts, VerifyMetrics metrics) {
        this.settings = settings;
        var verdicts = new Verdicts(scheduler, metrics);
        // Hidden checks draw from a secure generator: a node sees their numbers and words, and must not predict the next.
        this.hidden = new HiddenChecks(registry, verdicts, new Fingerprints(), shapes, receipts, settings.canaryRate(),
                new SecureRandom());
        RandomGenerator perThread = () -> ThreadLocalRandom.current().nextLong();
        this.reruns = new Reruns(scheduler, verdicts, new Agreement(), receipts, settings.rerunShare(), settings.sameAddress(),
                perThread);
    }

    /** Whether hidden checks run at all (a zero rate turns them off). */
    public boolean hiddenChecks() {
        return settings.canaryRate() > 0;
    }

    /** Starts the hidden checks that are due. */
    public void tick() {
        hidden.tick();
    }

    /** The hidden checks (tests run one at once). */
    public HiddenChecks checks() {
        return hidden;
    }

    /** The re-run sampler, or null when re-runs are off. */
    public Reruns reruns() {
        return settings.rerunShare() > 0 ? reruns : null;
    }
}

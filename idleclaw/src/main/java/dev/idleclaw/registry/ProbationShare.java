package dev.idleclaw.registry;

import java.util.HashMap;
import java.util.Map;

/**
 * Caps the share of a model's contested consumer requests (those a non-probation node could take right now) that
 * go to nodes on probation. Counts decay, so the share is over roughly the last {@link #WINDOW} contested requests
 * and a quiet hour long ago does not bank a burst. Guarded by the {@link Scheduler}'s lock.
 */
final class ProbationShare {
    /** Contested requests the share is measured over: long enough to be smooth, short enough to follow the traffic. */
    static final int WINDOW = 200;
    /** Models counted at once; beyond this the counts start afresh (a bound on memory, reached only by odd fleets). */
    static final int MAX_MODELS = 4_096;
    private static final double DECAY = 1.0 - 1.0 / WINDOW;

    private final double share;
    /** Per model: {decayed contested requests, decayed of those given to probation}. */
    private final Map<String, double[]> byModel = new HashMap<>();

    ProbationShare(double share) {
        this.share = share;
    }

    /** Whether giving this contested request of {@code model} to a probation node keeps its share within the cap. */
    boolean allows(String model) {
        double[] c = byModel.get(model);
        double total = c == null ? 0 : c[0], probation = c == null ? 0 : c[1];
        return probation * DECAY + 1 <= share * (total * DECAY + 1) + 1e-9;
    }

    /** Counts one contested request of {@code model}, given to a probation node or not. */
    void record(String model, boolean toProbation) {
        if (byModel.size() >= MAX_MODELS && !byModel.containsKey(model)) byModel.clear();
        double[] c = byModel.computeIfAbsent(model, m -> new double[2]);
        c[0] = c[0] * DECAY + 1;
        c[1] = c[1] * DECAY + (toProbation ? 1 : 0);
    }
}

package dev.idleclaw.testkit;

import java.util.Objects;

/**
 * Whose text a generative stand-in serves (see {@link Generative}). The "claimed" weights are those of the model the
 * request names ({@link Weights#of(StandInModel)}), unless the speaker names its own.
 */
public sealed interface Speaker {
    /** The claimed model, honestly; {@code weights} null = the served model's own. */
    record Honest(Weights weights) implements Speaker {}

    /**
     * A different model under the claimed name: its own text, and canary tasks answered right only in a share
     * {@code canarySkill} of prompts (a small model gets easy ones right sometimes).
     */
    record OtherWeights(Weights weights, double canarySkill) implements Speaker {
        public OtherWeights {
            Objects.requireNonNull(weights, "weights");
            if (!(canarySkill >= 0 && canarySkill <= 1)) throw new IllegalArgumentException("canarySkill not in 0..1");
        }
    }

    /** Random words whatever the prompt, of random length; canaries are never answered. */
    record RandomWords() implements Speaker {}

    /**
     * A node that spots probes: every canary task form is answered exactly as the claimed model would, everything
     * else is {@code weights}' text.
     */
    record CanaryDetector(Weights weights) implements Speaker {
        public CanaryDetector {
            Objects.requireNonNull(weights, "weights");
        }
    }
}

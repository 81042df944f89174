package dev.idleclaw.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Behaviours of a lying node's Ollama, for the hub's trust checks (docs/trust.md). Each is an ordinary
 * {@link Behaviour}, so a test selects one per stand-in or per model with {@link StandInOllama#behaviour}.
 */
public final class Lies {
    /** What a different (smaller) model says instead of the claimed one's answer. */
    public static final List<String> OTHER_MODEL_TOKENS =
            List.of("Bonjour", " !", " Je", " suis", " un", " petit", " modèle", ".");

    private Lies() {}

    /** An honest answer of {@code n} pieces ({@code "tok0 "…}), each after {@code perToken}. */
    public static Behaviour honest(int n, Duration perToken) {
        return Behaviour.defaults().withTokenCount(n).withDelayPerToken(perToken);
    }

    /** Another model's text, with honest counts for it. */
    public static Behaviour otherModel() {
        return Behaviour.defaults().withTokens(OTHER_MODEL_TOKENS);
    }

    /** {@code n} random lower-case words (seeded, so a test can repeat them), with honest counts. */
    public static Behaviour randomTokens(int n, long seed) {
        var random = new Random(seed);
        return Behaviour.defaults().withTokens(IntStream.range(0, n).mapToObj(i -> " " + word(random)).toList());
    }

    /** Only the first {@code keep} pieces of {@code full}, ended normally while claiming the full answer's count. */
    public static Behaviour truncated(Behaviour full, int keep) {
        return full.withTokens(full.tokens().subList(0, Math.min(keep, full.tokens().size()))).withEvalCount(full.tokens().size());
    }

    /** {@code full}, broken off by the runner after {@code after} pieces (the node reports an error mid-answer). */
    public static Behaviour brokenOff(Behaviour full, int after) {
        return full.withErrorAfter(after, Behaviour.RUNNER_ERROR);
    }

    /** {@code honest}'s text with {@code factor} times its true output count claimed. */
    public static Behaviour inflatedCounts(Behaviour honest, int factor) {
        return honest.withEvalCount(honest.tokens().size() * factor);
    }

    /** {@code n} pieces with no delay at all: too fast for a large claimed model (see {@link StandInModel#withSize}). */
    public static Behaviour tooFast(int n) {
        return honest(n, Duration.ZERO);
    }

    private static String word(Random random) {
        var w = new StringBuilder();
        for (int i = 2 + random.nextInt(6); i > 0; i--) w.append((char) ('a' + random.nextInt(26)));
        return w.toString();
    }
}

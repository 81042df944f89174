package dev.idleclaw.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Behaviours of a lying node's Ollama, for the hub's trust checks (docs/trust.md). Each is an ordinary
 * {@link Behaviour}, so a test selects one per stand-in or per model with {@link StandInOllama#behaviour}.
 *
 * <p>Two families: scripted ones (fixed tokens whatever the prompt: {@link #honest(int, Duration)},
 * {@link #otherModel()}, {@link #randomTokens(int, long)}, …) for the per-answer checks, and language-model ones
 * ({@link Generative}: {@link #honest(Nondeterminism)}, {@link #otherWeights()}, {@link #randomTokens()},
 * {@link #canaryDetector()}) whose text depends on the prompt, for canaries, re-runs and fingerprints. The
 * modifiers ({@link #truncated}, {@link #inflatedCounts}, {@link #tooFast(Behaviour)}, {@link #brokenOff}) apply
 * to both.
 */
public final class Lies {
    /** What a different (smaller) model says instead of the claimed one's answer. */
    public static final List<String> OTHER_MODEL_TOKENS =
            List.of("Bonjour", " !", " Je", " suis", " un", " petit", " modèle", ".");
    /** The weights a lying node serves instead of the claimed model: a 1B model's. */
    public static final Weights SMALL_MODEL = Weights.of(StandInModel.of("llama3.2:1b"));
    /** Share of canary tasks a small model still gets right (easy ones, sometimes). */
    public static final double SMALL_MODEL_CANARY_SKILL = 0.3;

    private Lies() {}

    /** An honest language model (the served model's weights) on hardware with {@code nondeterminism}. */
    public static Behaviour honest(Nondeterminism nondeterminism) {
        return Behaviour.languageModel().withNondeterminism(nondeterminism);
    }

    /** {@link #SMALL_MODEL}'s text under the claimed name, canaries right {@value #SMALL_MODEL_CANARY_SKILL} of the time. */
    public static Behaviour otherWeights() { return otherWeights(SMALL_MODEL, SMALL_MODEL_CANARY_SKILL); }

    /** {@code weights}' text under the claimed name, canary tasks right in a share {@code canarySkill} of prompts. */
    public static Behaviour otherWeights(Weights weights, double canarySkill) {
        return speaking(new Speaker.OtherWeights(weights, canarySkill));
    }

    /** Random words of random length whatever the prompt: canaries fail, greedy answers never repeat. */
    public static Behaviour randomTokens() { return speaking(new Speaker.RandomWords()); }

    /** Canary task forms answered exactly as the claimed model would; {@link #SMALL_MODEL}'s text for the rest. */
    public static Behaviour canaryDetector() { return canaryDetector(SMALL_MODEL); }

    /** Canary task forms answered exactly as the claimed model would; {@code weights}' text for the rest. */
    public static Behaviour canaryDetector(Weights weights) { return speaking(new Speaker.CanaryDetector(weights)); }

    private static Behaviour speaking(Speaker speaker) {
        return Behaviour.defaults().withGenerative(Generative.honest().withSpeaker(speaker));
    }

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

    /**
     * Only the first {@code keep} pieces (a language model: words) of {@code full}, ended normally while claiming the
     * full answer's count.
     */
    public static Behaviour truncated(Behaviour full, int keep) {
        if (full.generative() != null) return full.withGenerative(full.generative().withKeepWords(keep));
        return full.withTokens(full.tokens().subList(0, Math.min(keep, full.tokens().size()))).withEvalCount(full.tokens().size());
    }

    /** {@code full}, broken off by the runner after {@code after} pieces (the node reports an error mid-answer). */
    public static Behaviour brokenOff(Behaviour full, int after) {
        return full.withErrorAfter(after, Behaviour.RUNNER_ERROR);
    }

    /** {@code honest}'s text with {@code factor} times its true output count claimed. */
    public static Behaviour inflatedCounts(Behaviour honest, int factor) {
        if (honest.generative() != null) return honest.withGenerative(honest.generative().withCountFactor(factor));
        return honest.withEvalCount(honest.tokens().size() * factor);
    }

    /** {@code n} pieces with no delay at all: too fast for a large claimed model (see {@link StandInModel#withSize}). */
    public static Behaviour tooFast(int n) {
        return honest(n, Duration.ZERO);
    }

    /** {@code honest} with no delay at all: too fast for a large claimed model. */
    public static Behaviour tooFast(Behaviour honest) {
        return honest.withDelayPerToken(Duration.ZERO);
    }

    private static String word(Random random) {
        var w = new StringBuilder();
        for (int i = 2 + random.nextInt(6); i > 0; i--) w.append((char) ('a' + random.nextInt(26)));
        return w.toString();
    }

    /**
     * One stand-in of every lying kind a trust fleet runs, by name, in a fixed order: another model's weights, random
     * tokens, {@code honest} truncated to 12 words claiming the full count, counts inflated 4×, {@code honest} without
     * its delay, a canary detector, and a node answering "no idea" to everything; {@code pace} is the delay per word of
     * those that make their own text.
     */
    public static Map<String, Behaviour> fleet(Behaviour honest, Duration pace) {
        var m = new LinkedHashMap<String, Behaviour>();
        m.put("other_weights", otherWeights().withDelayPerToken(pace));
        m.put("random_tokens", randomTokens().withDelayPerToken(pace));
        m.put("truncated", truncated(honest, 12));
        m.put("inflated_counts", inflatedCounts(honest, 4));
        m.put("too_fast", tooFast(honest));
        m.put("canary_detector", canaryDetector().withDelayPerToken(pace));
        m.put("canary_failer", Behaviour.defaults().withTokens("no ", "idea"));
        return m;
    }
}

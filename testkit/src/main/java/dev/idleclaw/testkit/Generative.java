package dev.idleclaw.testkit;

import java.util.Objects;

/**
 * The stand-in as a language model: content depends on the prompt. Canary task forms ({@link Canary}) get a short,
 * correct sentence; any other prompt gets pseudo-text of 30 to 150 words drawn from (weights, messages), exactly
 * reproducible when {@code options.temperature} is 0 (greedy; the seed does not matter, as in Ollama) or a
 * {@code options.seed} is given (then from the seed and temperature too), different on every call otherwise. One
 * word is one streamed chunk and one counted token; {@code options.num_predict} caps them.
 *
 * @param speaker        whose text is served
 * @param nondeterminism how this stand-in's hardware makes deterministic answers drift
 * @param keepWords      serve only the first k words of each answer while counting all of them; null = all
 * @param countFactor    the reported {@code eval_count} is this many times the true count (1 = honest)
 */
public record Generative(Speaker speaker, Nondeterminism nondeterminism, Integer keepWords, int countFactor) {
    public Generative {
        Objects.requireNonNull(speaker, "speaker");
        Objects.requireNonNull(nondeterminism, "nondeterminism");
        if (keepWords != null && keepWords < 0) throw new IllegalArgumentException("keepWords < 0");
        if (countFactor < 1) throw new IllegalArgumentException("countFactor < 1");
    }

    /** The served model's own weights, bit-exact hardware, honest counts. */
    public static Generative honest() {
        return new Generative(new Speaker.Honest(null), Nondeterminism.none(), null, 1);
    }

    public Generative withSpeaker(Speaker other) { return new Generative(other, nondeterminism, keepWords, countFactor); }

    public Generative withNondeterminism(Nondeterminism n) { return new Generative(speaker, n, keepWords, countFactor); }

    public Generative withKeepWords(int k) { return new Generative(speaker, nondeterminism, k, countFactor); }

    public Generative withCountFactor(int f) { return new Generative(speaker, nondeterminism, keepWords, f); }
}

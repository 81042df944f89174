package dev.idleclaw.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a {@link Generative} stand-in writes for one request (see there for the rules). A pure function of its
 * arguments when the prompt is {@link Prompt#deterministic}, apart from {@link Speaker.RandomWords}.
 */
final class StandInText {
    /** Shortest answer to an open prompt, in words. */
    static final int MIN_WORDS = 30;
    /** Longest answer to an open prompt, in words. */
    static final int MAX_WORDS = 150;
    /** Longest opening all models share for a prompt ("Sure, here is …"), in words. */
    static final int MAX_SHARED_OPENING = 3;
    /** Salts separating the draws made from the same key. */
    private static final long LENGTH = 1, OPENING = 2, CANARY = 3, SKILL = 4, DIVERGE = 5, HARDWARE = 6;

    private StandInText() {}

    /**
     * The served words and what the node reports.
     *
     * @param words   one streamed chunk each
     * @param claimed the reported {@code eval_count}
     * @param length  true when {@code num_predict} cut the answer ({@code done_reason} "length")
     */
    record Answer(List<String> words, int claimed, boolean length) {}

    static Answer write(Generative generative, StandInModel model, long hardware, Prompt prompt, Integer numPredict) {
        var full = words(generative, Weights.of(model), hardware, prompt);
        var limit = numPredict != null && numPredict > 0 ? numPredict : Integer.MAX_VALUE;
        var generated = Math.min(full.size(), limit);
        var kept = generative.keepWords() == null ? generated : Math.min(generated, generative.keepWords());
        return new Answer(full.subList(0, kept), generated * generative.countFactor(), full.size() > limit);
    }

    /** The whole answer before {@code num_predict}, truncation and counts. */
    static List<String> words(Generative generative, Weights claimed, long hardware, Prompt prompt) {
        var key = prompt.deterministic() ? key(prompt) : ThreadLocalRandom.current().nextLong();
        var task = Canary.find(prompt.lastUser());
        var nd = prompt.deterministic() ? generative.nondeterminism() : Nondeterminism.none();
        return switch (generative.speaker()) {
            case Speaker.Honest h -> model(h.weights() == null ? claimed : h.weights(), key, task, true, hardware, nd);
            case Speaker.OtherWeights o -> model(o.weights(), key, task,
                    Mix.random(o.weights().seed(), key, SKILL).nextDouble() < o.canarySkill(), hardware, nd);
            case Speaker.RandomWords r -> randomWords();
            case Speaker.CanaryDetector d -> task != null ? model(claimed, key, task, true, hardware, nd)
                    : model(d.weights(), key, null, true, hardware, nd);
        };
    }

    /** Greedy: the messages alone; seeded sampling: the messages, seed and temperature. */
    private static long key(Prompt prompt) {
        var messages = Mix.text(prompt.messages());
        return prompt.greedy() ? messages
                : Mix.of(messages, prompt.seed(), Double.doubleToLongBits(prompt.temperature() == null ? -1 : prompt.temperature()));
    }

    /** A model with {@code weights} answering: a canary sentence (right or wrong), or prose. */
    private static List<String> model(Weights weights, long key, Canary.Task task, boolean right, long hardware,
                                      Nondeterminism nd) {
        if (task != null) {
            var random = Mix.random(weights.seed(), key, CANARY);
            var answer = right ? task.answer() : task.wrong(random);
            return List.of(Canary.sentence(task, answer, random).split(" "));
        }
        var length = MIN_WORDS + Mix.random(weights.seed(), key, LENGTH).nextInt(MAX_WORDS - MIN_WORDS + 1);
        var opening = Mix.random(key, OPENING).nextInt(MAX_SHARED_OPENING + 1);
        var own = Mix.of(weights.seed(), key);
        var streams = new long[length];
        for (int i = 0; i < length; i++) streams[i] = i < opening ? Mix.of(key, OPENING) : own;
        var nudges = new int[length];
        var divergence = nd.divergence(Mix.random(hardware, weights.seed(), key, DIVERGE), length);
        if (divergence >= 0) {
            var gpu = Mix.of(hardware, own, HARDWARE);
            for (int i = divergence; i < length; i++) streams[i] = gpu;
            var canonical = Prose.pick(own, divergence, 0);
            while (Prose.pick(gpu, divergence, nudges[divergence]) == canonical) nudges[divergence]++;
        }
        return Prose.text(streams, nudges);
    }

    /** Words that owe nothing to the prompt, of a random length. */
    private static List<String> randomWords() {
        var random = ThreadLocalRandom.current();
        var streams = new long[random.nextInt(MIN_WORDS, MAX_WORDS + 1)];
        Arrays.fill(streams, random.nextLong());
        return Prose.text(streams, new int[streams.length]);
    }
}

package dev.idleclaw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How long a common word prefix two greedy answers share, honest against honest (same weights, different hardware)
 * and honest against each lying kind, over {@value #PROMPTS} open prompts: the figures behind the hub's re-run rule
 * (agree when the common prefix is at least min(N, the longer answer's length)). Prints a table.
 */
class PrefixAgreementTest {
    private static final int PROMPTS = 2_000;
    private static final int[] RULES = {8, 16, 32, 64};
    /** Words a truncating liar keeps. */
    private static final int KEEP = 12;
    private static final StandInModel MODEL = StandInModel.of("llama3.1:8b");

    /** One greedy answer's words, as one stand-in (behaviour on hardware) writes it. */
    private static Function<Prompt, List<String>> node(Behaviour behaviour, long hardware) {
        return prompt -> StandInText.write(behaviour.generative(), MODEL, hardware, prompt, null).words();
    }

    /** Sorted common prefixes, per rule N how many answer pairs agree, and the sorted prefixes of pairs that part. */
    private record Row(String pair, int[] prefixes, int[] agree, int[] partedAt) {
        double share(int rule) { return (double) agree[rule] / PROMPTS; }
    }

    private static Row compare(String pair, Function<Prompt, List<String>> a, Function<Prompt, List<String>> b) {
        var prefixes = new int[PROMPTS];
        var agree = new int[RULES.length];
        var parted = java.util.stream.IntStream.builder();
        var random = new SplittableRandom(7);
        for (int i = 0; i < PROMPTS; i++) {
            var prompt = openPrompt(random, i);
            var x = a.apply(prompt);
            var y = b.apply(prompt);
            int common = 0;
            while (common < Math.min(x.size(), y.size()) && x.get(common).equals(y.get(common))) common++;
            prefixes[i] = common;
            if (common < Math.max(x.size(), y.size())) parted.add(common);
            for (int r = 0; r < RULES.length; r++) {
                if (common >= Math.min(RULES[r], Math.max(x.size(), y.size()))) agree[r]++;
            }
        }
        Arrays.sort(prefixes);
        return new Row(pair, prefixes, agree, parted.build().sorted().toArray());
    }

    /** A consumer-like prompt that is no canary task. */
    private static Prompt openPrompt(SplittableRandom random, int i) {
        var topic = Prose.VOCABULARY.get(random.nextInt(Prose.VOCABULARY.size()));
        var text = new StringBuilder();
        Prompt.add(text, "user", "Write a short note (" + i + ") about " + topic + " and "
                + Prose.VOCABULARY.get(random.nextInt(Prose.VOCABULARY.size())) + ".");
        return new Prompt(text.toString(), text.toString(), 0.0, null);
    }

    @Test
    void honestNodesShareALongPrefixWhileEveryLyingKindPartsAtOnce() {
        var honest = node(Lies.honest(Nondeterminism.typical()), 1);
        var rows = List.of(
                compare("honest vs honest (typical nondeterminism)", honest, node(Lies.honest(Nondeterminism.typical()), 2)),
                compare("honest vs otherWeights", honest, node(Lies.otherWeights(), 3)),
                compare("honest vs canaryDetector", honest, node(Lies.canaryDetector(Weights.named("7b-other")), 4)),
                compare("honest vs truncated(" + KEEP + ")", honest, node(Lies.truncated(Lies.honest(Nondeterminism.none()), KEEP), 5)),
                compare("honest vs randomTokens", honest, node(Lies.randomTokens(), 6)));
        print(rows);

        var twins = rows.get(0);
        assertThat(twins.prefixes()[0]).as("no divergence before word 40 (or the answer's end)")
                .isGreaterThanOrEqualTo(StandInText.MIN_WORDS);
        assertThat(twins.agree()).as("N=8, 16, 32 agree on every pair").startsWith(PROMPTS, PROMPTS, PROMPTS);
        assertThat(twins.share(3)).as("N=64: divergences between word 40 and 64 cost a few").isBetween(0.8, 1.0);
        assertThat(twins.partedAt().length).as("some answers part, after the long prefix").isPositive();
        assertThat(twins.partedAt()[0]).isGreaterThanOrEqualTo(Nondeterminism.TYPICAL_MIN_PREFIX);
        for (var liar : rows.subList(1, rows.size())) {
            assertThat(liar.share(2)).as(liar.pair() + " agreeing at N=32").isLessThanOrEqualTo(0.01);
            assertThat(median(liar)).as(liar.pair()).isLessThanOrEqualTo(KEEP);
        }
        assertThat(rows.get(3).agree()).as("a truncated answer agrees only under rules up to its length")
                .containsExactly(PROMPTS, 0, 0, 0);
    }

    @Test
    void divergencePositionsFollowTheDocumentedModel() {
        var nd = Nondeterminism.typical();
        var random = new SplittableRandom(11);
        int draws = 50_000, diverged = 0, min = Integer.MAX_VALUE;
        long sum = 0;
        for (int i = 0; i < draws; i++) {
            var at = nd.divergence(random, Integer.MAX_VALUE);
            if (at < 0) continue;
            diverged++;
            sum += at;
            min = Math.min(min, at);
        }
        assertThat((double) diverged / draws).isCloseTo(Nondeterminism.TYPICAL_SHARE, org.assertj.core.data.Offset.offset(0.01));
        assertThat((double) sum / diverged).isCloseTo(Nondeterminism.TYPICAL_MEAN_POSITION, org.assertj.core.data.Offset.offset(5.0));
        assertThat(min).isEqualTo(Nondeterminism.TYPICAL_MIN_PREFIX);
    }

    private static int median(Row row) { return row.prefixes()[PROMPTS / 2]; }

    private static void print(List<Row> rows) {
        var out = new StringBuilder("%n%-44s %5s %5s %5s %5s %6s".formatted("common word prefix, " + PROMPTS + " greedy prompts",
                "min", "p1", "p5", "p50", "mean") + " %7s %8s".formatted("parted", "minPart"));
        for (var n : RULES) out.append(" %7s".formatted("N=" + n));
        for (var row : rows) {
            var p = row.prefixes();
            out.append("%n%-44s %5d %5d %5d %5d %6.1f".formatted(row.pair(), p[0], p[PROMPTS / 100], p[PROMPTS / 20],
                    p[PROMPTS / 2], Arrays.stream(p).average().orElse(0)));
            out.append(" %6.1f%% %8d".formatted(100.0 * row.partedAt().length / PROMPTS,
                    row.partedAt().length == 0 ? -1 : row.partedAt()[0]));
            for (int r = 0; r < RULES.length; r++) out.append(" %6.1f%%".formatted(100 * row.share(r)));
        }
        System.out.println(out);
    }
}

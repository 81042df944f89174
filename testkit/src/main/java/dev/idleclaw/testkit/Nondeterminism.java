package dev.idleclaw.testkit;

/**
 * How an honest stand-in's greedy answers drift from its weights' canonical text, as greedy decoding of the same
 * weights does on different hardware (float sums are not associative, so GPUs, drivers and batch sizes round
 * differently, and once two logits swap order the texts part for good).
 *
 * <p>The model: every stand-in has its own hardware seed ({@link StandInOllama#hardwareSeed}). For each greedy (or
 * seeded) answer of at least {@code minPrefix + 1} words, a draw from (hardware seed, weights, messages) decides
 * whether this hardware diverges on it, with probability {@link #share}; if it does, the word at position
 * {@code minPrefix + G} (0-based) and everything after it come from the hardware's own stream, where {@code G} is
 * geometric on {0, 1, …} with mean {@code meanPosition - minPrefix}, so positions average {@link #meanPosition} and
 * never fall before {@link #minPrefix}. The diverging word always differs from the canonical one. Answers the
 * position falls beyond stay canonical. Two honest stand-ins therefore share at least {@code minPrefix} words of
 * every greedy answer; a share of about {@code 2 × share} of their long answers part somewhere after that.
 *
 * @param share        share of answers that diverge on this hardware, 0..1
 * @param minPrefix    words always reproduced exactly before a divergence
 * @param meanPosition mean position of the first diverging word, at least {@code minPrefix}
 */
public record Nondeterminism(double share, int minPrefix, double meanPosition) {
    /** Share of typical diverging answers: one in five (long answers of a 7B model across two GPU kinds). */
    public static final double TYPICAL_SHARE = 0.2;
    /** Words a typical divergence leaves intact at least. */
    public static final int TYPICAL_MIN_PREFIX = 40;
    /** Mean position of a typical first diverging word. */
    public static final double TYPICAL_MEAN_POSITION = 150;

    public Nondeterminism {
        if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("share not in 0..1: " + share);
        if (minPrefix < 1) throw new IllegalArgumentException("minPrefix < 1: " + minPrefix);
        if (!(meanPosition >= minPrefix)) throw new IllegalArgumentException("meanPosition < minPrefix");
    }

    /** Bit-exact hardware: greedy answers never diverge. */
    public static Nondeterminism none() { return new Nondeterminism(0, TYPICAL_MIN_PREFIX, TYPICAL_MEAN_POSITION); }

    /** {@value #TYPICAL_SHARE} of answers diverge, at word {@value #TYPICAL_MIN_PREFIX} or later, mean 150. */
    public static Nondeterminism typical() {
        return new Nondeterminism(TYPICAL_SHARE, TYPICAL_MIN_PREFIX, TYPICAL_MEAN_POSITION);
    }

    /**
     * Where this hardware's text leaves the canonical one for an answer of {@code length} words, or -1 when it
     * does not; {@code draw} is the answer's (hardware, weights, messages) stream.
     */
    int divergence(java.util.SplittableRandom draw, int length) {
        if (share == 0 || draw.nextDouble() >= share) return -1;
        var mean = meanPosition - minPrefix;
        var gap = mean == 0 ? 0 : (int) Math.floor(Math.log(1 - draw.nextDouble()) / Math.log(mean / (mean + 1)));
        var position = (long) minPrefix + gap;
        return position < length ? (int) position : -1;
    }
}

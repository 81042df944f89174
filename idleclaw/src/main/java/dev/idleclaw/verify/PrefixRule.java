package dev.idleclaw.verify;

/**
 * When two greedy answers to the same request agree (docs/trust.md): their common prefix, in whitespace-separated
 * words of the content, is at least {@code min(WORDS, longer answer's length)}. Greedy decoding of the same weights
 * agrees on a long prefix even across hardware; a different model's text differs within the first words. A truncated
 * answer therefore disagrees with the full one, and two answers longer than {@code WORDS} agree whatever follows.
 */
public final class PrefixRule {
    /**
     * Words two answers must share: measured with the stand-in (docs/trust.md), honest pairs of the same weights
     * diverge, when they do, well after this many words, while different weights diverge within the first few.
     */
    public static final int WORDS = 32;

    private PrefixRule() {}

    /** Whether {@code a} and {@code b} agree by the rule. */
    public static boolean agree(Prefix a, Prefix b) {
        int longer = Math.min(WORDS, Math.max(a.size(), b.size()));
        return common(a, b) >= longer;
    }

    /** How many leading words {@code a} and {@code b} share. */
    public static int common(Prefix a, Prefix b) {
        int n = Math.min(a.size(), b.size());
        int i = 0;
        while (i < n && a.word(i).equals(b.word(i))) i++;
        return i;
    }
}

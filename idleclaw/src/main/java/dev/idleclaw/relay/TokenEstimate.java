package dev.idleclaw.relay;


/**
 * An upper estimate of how many tokens a model's tokenizer makes of a text, without the tokenizer: the hub checks a
 * receipt's token counts against what it relayed (docs/protocol.md "What a receipt may claim").
 *
 * <p>The text is cut as BPE pre-tokenizers cut it (Llama 3, Qwen, GPT-4 style): runs of letters (with one leading
 * space), runs of at most three digits, runs of other symbols (with one leading space), runs of white space. Each
 * run counts one token per {@link #BYTES_PER_TOKEN} bytes of UTF-8, rounded up, and at least one. Real tokenizers
 * average about four bytes per token on English and code, so this allows about twice the real count there, while
 * single-character tokens ({@code a,b,c}, short numbers) are counted exactly.
 */
public final class TokenEstimate {
    /** Fewest bytes per token the estimate assumes within a run: random strings and CJK text get close to it. */
    static final int BYTES_PER_TOKEN = 2;

    private TokenEstimate() {}

    private enum Kind { LETTER, DIGIT, SPACE, OTHER }

    /** The estimate for {@code text} (0 for null or empty). */
    public static long of(String text) {
        if (text == null || text.isEmpty()) return 0;
        long tokens = 0;
        int i = 0, n = text.length();
        while (i < n) {
            int start = i;
            int cp = text.codePointAt(i);
            Kind kind = kind(cp);
            // One space before a word or a symbol run belongs to it (" quick" is one token).
            if (cp == ' ' && i + 1 < n && kind(text.codePointAt(i + 1)) != Kind.SPACE && kind(text.codePointAt(i + 1)) != Kind.DIGIT) {
                i++;
                cp = text.codePointAt(i);
                kind = kind(cp);
            }
            int digits = 0;
            while (i < n) {
                int c = text.codePointAt(i);
                if (kind(c) != kind || (kind == Kind.DIGIT && digits == 3)) break;
                if (kind == Kind.DIGIT) digits++;
                i += Character.charCount(c);
            }
            int bytes = utf8Bytes(text, start, i);
            tokens += Math.max(1, (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
        }
        return tokens;
    }

    /** UTF-8 length of {@code text[from, to)} without encoding it (this runs for every relayed chunk). */
    private static int utf8Bytes(String text, int from, int to) {
        int bytes = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            i += Character.charCount(cp);
        }
        return bytes;
    }

    private static Kind kind(int cp) {
        if (Character.isLetter(cp) || Character.getType(cp) == Character.NON_SPACING_MARK) return Kind.LETTER;
        if (Character.isDigit(cp)) return Kind.DIGIT;
        if (Character.isWhitespace(cp)) return Kind.SPACE;
        return Kind.OTHER;
    }
}

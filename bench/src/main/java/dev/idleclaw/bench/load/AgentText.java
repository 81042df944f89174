package dev.idleclaw.bench.load;

import java.util.Random;

/**
 * Synthetic, deterministic text for agent-sized requests: markdown-ish prose (headings, bullets, some non-ASCII
 * punctuation and quoted code that JSON must escape) and code listings (ASCII lines with quotes and backslashes). Its
 * meaning does not matter to the hub; its size, its escapes and its mix of one- and multi-byte characters do.
 */
final class AgentText {
    private static final String[] WORDS = {"agent", "file", "change", "test", "build", "module", "request", "answer",
            "node", "hub", "review", "commit", "branch", "limit", "error", "message", "context", "tool", "result", "user",
            "always", "never", "first", "then", "before", "after", "small", "clear", "exact", "whole", "read", "write",
            "run", "check", "keep", "explain", "report", "prefer", "avoid", "ask", "the", "a", "each", "every", "its",
            "with", "without", "when", "until", "only", "this", "that", "one", "two", "several", "output", "input"};
    /** Multi-byte characters real prompts carry: dashes, quotes, arrows, accents. */
    private static final String[] NON_ASCII = {"—", "’", "→", "é", "…", "“", "”", "•"};
    private static final String[] CODE_WORDS = {"value", "count", "name", "path", "items", "index", "result", "buffer",
            "limit", "offset", "entry", "state", "node", "reader", "writer"};

    private final Random random;

    AgentText(long seed) {
        this.random = new Random(seed);
    }

    /** About {@code chars} characters of prose (at least that many, cut at a word end past it). */
    String prose(int chars) {
        var sb = new StringBuilder(chars + 64);
        int section = 1;
        while (sb.length() < chars) {
            sb.append("## ").append(section++).append(". ").append(capital(word())).append(' ').append(word()).append("\n\n");
            int bullets = 3 + random.nextInt(4);
            for (int b = 0; b < bullets && sb.length() < chars; b++) {
                sb.append("- ").append(sentence()).append('\n');
            }
            sb.append(sentence()).append(' ').append(sentence()).append("\n\n");
        }
        return sb.toString();
    }

    /** One sentence of 6 to 18 words, sometimes with a non-ASCII character or a quoted identifier. */
    String sentence() {
        var sb = new StringBuilder(capital(word()));
        int words = 6 + random.nextInt(13);
        for (int i = 1; i < words; i++) {
            sb.append(' ');
            int r = random.nextInt(20);
            if (r == 0) sb.append(NON_ASCII[random.nextInt(NON_ASCII.length)]).append(' ');
            if (r == 1) sb.append('"').append(codeWord()).append(random.nextInt(100)).append("\" ");
            if (r == 2) sb.append('`').append(codeWord()).append("()` ");
            sb.append(word());
        }
        return sb.append('.').toString();
    }

    /** About {@code chars} characters of a code listing (at least that many, whole lines). */
    String code(int chars) {
        var sb = new StringBuilder(chars + 96);
        int line = 1;
        while (sb.length() < chars) {
            String w = codeWord();
            int indent = 4 * (1 + random.nextInt(3));
            sb.append(String.format("%4d", line++)).append(' ').append(" ".repeat(indent));
            switch (random.nextInt(4)) {
                case 0 -> sb.append("int ").append(w).append(random.nextInt(50)).append(" = ").append(codeWord()).append(".size() + ")
                        .append(random.nextInt(1000)).append(';');
                case 1 -> sb.append("if (").append(w).append(" == null) throw new IllegalStateException(\"no ").append(w).append("\");");
                case 2 -> sb.append("log.info(\"").append(w).append(" {} at {}\", ").append(w).append(", \"C:\\\\tmp\\\\").append(codeWord()).append("\");");
                default -> sb.append("return ").append(w).append(".stream().map(").append(codeWord()).append("::toString).toList();");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    String codeWord() {
        return CODE_WORDS[random.nextInt(CODE_WORDS.length)];
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private static String capital(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
}

package dev.idleclaw.front.idleclaw;

import java.util.List;
import java.util.Locale;

/**
 * The IdleClaw dialect's outbound filter, applied as a stream: removes {@code <tool_call>…</tool_call>} blocks
 * and replaces {@code <script} (followed by whitespace or {@code >}), {@code javascript:} and {@code data:text/html}
 * (any case) with {@code [content filtered]}. A tail that could be the start of a pattern is held back until
 * the next piece (or {@link #flush()}), so patterns split across chunks are caught (idleclaw-wire.md §11 #4).
 */
final class ContentFilter {
    static final String REPLACEMENT = "[content filtered]";
    private static final String OPEN = "<tool_call>", CLOSE = "</tool_call>", SCRIPT = "<script";
    private static final List<String> REPLACED = List.of("javascript:", "data:text/html");
    /** Everything that may begin a match; {@code <script} needs one more character to decide. */
    private static final List<String> STARTS = List.of(OPEN, SCRIPT + " ", "javascript:", "data:text/html");

    private final StringBuilder carry = new StringBuilder();
    private boolean inToolCall;

    /** Filters the next piece; returns what may be shown now (possibly empty). */
    String accept(String piece) {
        carry.append(piece);
        String text = carry.toString();
        String lower = text.toLowerCase(Locale.ROOT);
        carry.setLength(0);
        var out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (inToolCall) {
                int end = lower.indexOf(CLOSE, i);
                if (end < 0) {
                    carry.append(text, Math.max(i, text.length() - (CLOSE.length() - 1)), text.length());
                    return out.toString();
                }
                i = end + CLOSE.length();
                inToolCall = false;
                continue;
            }
            int at = -1, len = 0;
            boolean toolCall = false;
            for (int p = i; p < text.length() && at < 0; p++) {
                if (lower.startsWith(OPEN, p)) {
                    at = p;
                    len = OPEN.length();
                    toolCall = true;
                } else if (lower.startsWith(SCRIPT, p) && p + SCRIPT.length() < text.length()
                        && (Character.isWhitespace(text.charAt(p + SCRIPT.length())) || text.charAt(p + SCRIPT.length()) == '>')) {
                    at = p;
                    len = SCRIPT.length() + 1;
                } else {
                    for (String r : REPLACED) if (lower.startsWith(r, p)) { at = p; len = r.length(); break; }
                }
            }
            if (at < 0) {
                int hold = heldTail(lower, i);
                out.append(text, i, text.length() - hold);
                carry.append(text, text.length() - hold, text.length());
                return out.toString();
            }
            out.append(text, i, at);
            if (toolCall) inToolCall = true;
            else out.append(REPLACEMENT);
            i = at + len;
        }
        return out.toString();
    }

    /** Ends the stream: returns the held-back tail (an unterminated tool call is dropped). */
    String flush() {
        String rest = inToolCall ? "" : carry.toString();
        carry.setLength(0);
        inToolCall = false;
        return rest;
    }

    /** Length of the longest suffix of {@code lower[from..]} that is a proper prefix of a pattern start. */
    private static int heldTail(String lower, int from) {
        int n = lower.length();
        for (int k = Math.min(n - from, 14); k > 0; k--) {
            String tail = lower.substring(n - k);
            for (String s : STARTS) if (s.length() > k && s.startsWith(tail)) return k;
            if (tail.equals(SCRIPT)) return k;
        }
        return 0;
    }
}

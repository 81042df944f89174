package dev.idleclaw.cli;

/**
 * Makes text that came from elsewhere (a tracker's labels, a hub's model names and error texts) safe to print on a
 * terminal: control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides are written
 * as escapes ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}), so remote text can neither move the
 * cursor, recolour the screen nor forge extra lines or rows. Everything else, backslashes included, passes as is.
 */
final class Printable {
    private Printable() {}

    /** {@code text} with every unsafe character escaped; null stays null. */
    static String of(String text) {
        if (text == null || text.chars().noneMatch(Printable::unsafe)) return text;
        var sb = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (unsafe(c)) sb.append(String.format("\\u%04x", c));
                    else sb.append((char) c);
                }
            }
        });
        return sb.toString();
    }

    private static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' // line breaks a terminal may honour
                || c == '\u200e' || c == '\u200f' || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069'; // bidi
    }
}

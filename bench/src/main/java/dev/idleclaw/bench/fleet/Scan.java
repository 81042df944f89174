package dev.idleclaw.bench.fleet;

/**
 * Finds a string field's value in a compact JSON message by scanning, without building a tree: enough for the
 * hub's own messages ({@code type}, {@code request_id}), whose values never contain escapes.
 */
final class Scan {
    private Scan() {}

    /**
     * The value of the first {@code "key":"value"} in {@code json} (whitespace around the colon allowed), or null.
     * The first occurrence wins, which for the hub's messages is the top-level key: it comes before nested objects.
     */
    static String stringField(String json, String key) {
        String quoted = "\"" + key + "\"";
        int at = json.indexOf(quoted);
        while (at >= 0) {
            int i = skipSpaces(json, at + quoted.length());
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipSpaces(json, i + 1);
                if (i < json.length() && json.charAt(i) == '"') {
                    int end = json.indexOf('"', i + 1);
                    return end < 0 ? null : json.substring(i + 1, end);
                }
                return null;
            }
            at = json.indexOf(quoted, at + 1);
        }
        return null;
    }

    /**
     * The decoded length (UTF-16 units, an escape counting as the one character it stands for) of every
     * {@code "key":"…"} string value in {@code json}, summed: for {@code content}, the prompt's characters as the hub
     * counts them. One pass over the message, once per request.
     */
    static long stringValueChars(String json, String key) {
        String quoted = "\"" + key + "\"";
        long total = 0;
        for (int at = json.indexOf(quoted); at >= 0; at = json.indexOf(quoted, at + 1)) {
            int i = skipSpaces(json, at + quoted.length());
            if (i >= json.length() || json.charAt(i) != ':') continue;
            i = skipSpaces(json, i + 1);
            if (i >= json.length() || json.charAt(i) != '"') continue;
            for (i++; i < json.length() && json.charAt(i) != '"'; total++) i += escapeLength(json, i);
            at = i;
        }
        return total;
    }

    /** Source characters of the one character at {@code i}: 1, or 2 for a backslash escape, or 6 for a backslash-u escape. */
    private static int escapeLength(String json, int i) {
        if (json.charAt(i) != '\\' || i + 1 >= json.length()) return 1;
        return json.charAt(i + 1) == 'u' ? 6 : 2;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }
}

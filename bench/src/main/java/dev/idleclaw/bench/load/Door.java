package dev.idleclaw.bench.load;

/**
 * A front door: where the request goes, how it is asked for, and how each line of the streamed answer is
 * classified by byte scans (no JSON parsing): a content token, the terminator, an in-band error, or nothing.
 * A key's value may follow its colon after spaces ({@code "content": "x"}, as Python's {@code json.dumps} writes).
 */
public enum Door {
    /** IdleClaw's SSE dialect of {@code POST /api/chat} (idleclaw-wire.md §3.5). */
    IDLECLAW("/api/chat", "text/event-stream", false),
    /** Ollama's NDJSON {@code POST /api/chat} through the hub (ollama-api.md §4). */
    OLLAMA("/api/chat", "application/x-ndjson", true),
    /** OpenAI Chat Completions SSE through the hub (openai-api.md §4). */
    OPENAI("/v1/chat/completions", "text/event-stream", true),
    /** The same request as {@link #OLLAMA}, straight at a (stand-in) Ollama: the no-hub baseline. */
    DIRECT_OLLAMA("/api/chat", "application/x-ndjson", true);

    /** What one line of an answer is. */
    public enum Line { NONE, TOKEN, END, ERROR }

    private static final byte[] DATA = ascii("data: "), SSE_DONE = ascii("[DONE]"), CONTENT = ascii("\"content\":"),
            ERROR_OBJECT = ascii("{\"error\""), IDLECLAW_ERROR = ascii("[Error:"), DONE = ascii("\"done\":"),
            REASONING = ascii("\"reasoning\":"), TRUE = ascii("true");

    final String path;
    final String accept;
    private final boolean streamField;

    Door(String path, String accept, boolean streamField) {
        this.path = path;
        this.accept = accept;
        this.streamField = streamField;
    }

    /** {@code idleclaw}, {@code ollama}, {@code openai}, {@code direct-ollama}. */
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Door of(String label) {
        return valueOf(label.strip().toUpperCase().replace('-', '_'));
    }

    /** The request body: one short user message, streamed. */
    String body(String model, String prompt) {
        String messages = "[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
        return "{\"model\":\"" + model + "\",\"messages\":" + messages + (streamField ? ",\"stream\":true}" : "}");
    }

    /** Classifies {@code b[from, to)}, one line without its line end. */
    Line classify(byte[] b, int from, int to) {
        if (this == OLLAMA || this == DIRECT_OLLAMA) {
            if (startsWith(b, from, to, ERROR_OBJECT)) return Line.ERROR;
            if (isTrue(b, from, to, DONE)) return Line.END;
            return hasContent(b, from, to) ? Line.TOKEN : Line.NONE;
        }
        if (!startsWith(b, from, to, DATA)) return Line.NONE; // comments (keep-alives), blank separators
        int p = from + DATA.length;
        if (to - p == SSE_DONE.length && startsWith(b, p, to, SSE_DONE)) return Line.END;
        if (this == OPENAI) {
            if (startsWith(b, p, to, ERROR_OBJECT)) return Line.ERROR;
            return hasContent(b, p, to) ? Line.TOKEN : Line.NONE;
        }
        if (indexOf(b, p, to, IDLECLAW_ERROR) >= 0) return Line.ERROR;
        if (isTrue(b, p, to, REASONING)) return Line.NONE;
        return hasContent(b, p, to) ? Line.TOKEN : Line.NONE;
    }

    /** A {@code "content":} string with at least one character before its closing quote. */
    private static boolean hasContent(byte[] b, int from, int to) {
        int v = valueAt(b, from, to, CONTENT);
        return v >= 0 && v + 1 < to && b[v] == '"' && b[v + 1] != '"';
    }

    /** {@code key} (a quoted name and its colon) with the value {@code true}. */
    private static boolean isTrue(byte[] b, int from, int to, byte[] key) {
        int v = valueAt(b, from, to, key);
        return v >= 0 && startsWith(b, v, to, TRUE);
    }

    /** Where the value of the first {@code key} starts (after any spaces), or -1 when the key is absent. */
    private static int valueAt(byte[] b, int from, int to, byte[] key) {
        int at = indexOf(b, from, to, key);
        if (at < 0) return -1;
        int v = at + key.length;
        while (v < to && b[v] == ' ') v++;
        return v;
    }

    static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[from + i] != prefix[i]) return false;
        return true;
    }

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        byte first = needle[0];
        for (int i = from, last = to - needle.length; i <= last; i++) {
            if (b[i] == first && startsWith(b, i, to, needle)) return i;
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

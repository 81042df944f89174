package dev.idleclaw.bench.load;

/**
 * One request as the consumer saw it. {@code ttftNanos} is -1 when no content token arrived; {@code error} is
 * null for a good answer, else a short kind ("HTTP 503", "in-band: …", "no terminator", an exception).
 */
record Outcome(int status, long ttftNanos, long totalNanos, int tokens, String error) {
    boolean ok() {
        return error == null;
    }
}

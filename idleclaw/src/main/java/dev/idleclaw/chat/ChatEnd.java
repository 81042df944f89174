package dev.idleclaw.chat;

/**
 * The end of an answer: Ollama's {@code done_reason} and, when the node reported them, its six metrics
 * ({@code metrics} is null for nodes that forward none, such as original IdleClaw nodes).
 */
public record ChatEnd(String doneReason, Metrics metrics) {

    /** Ollama's token counts and durations (nanoseconds). */
    public record Metrics(long totalDuration, long loadDuration, long promptEvalCount,
                          long promptEvalDuration, long evalCount, long evalDuration) {}
}

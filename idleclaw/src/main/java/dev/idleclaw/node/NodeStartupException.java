package dev.idleclaw.node;

/**
 * The node cannot start: Ollama is unreachable or has no models ({@link Kind#OLLAMA}), or the hub address never
 * worked ({@link Kind#HUB}: the same permanent error several times before a first registration). The message is one
 * line meant for a user.
 */
public final class NodeStartupException extends Exception {
    /** What is missing. */
    public enum Kind { OLLAMA, HUB }

    private final Kind kind;

    /** Ollama is not usable. */
    public NodeStartupException(String message) {
        this(Kind.OLLAMA, message);
    }

    public NodeStartupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

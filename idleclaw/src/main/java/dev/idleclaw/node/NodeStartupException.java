package dev.idleclaw.node;

/** The node cannot start: Ollama is unreachable or has no models. The message is one line meant for a user. */
public final class NodeStartupException extends Exception {
    public NodeStartupException(String message) {
        super(message);
    }
}

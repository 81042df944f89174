package dev.idleclaw.tools;

/** A tool could not do its work; the message is written for the model (and never names the query or page text). */
public final class ToolException extends Exception {
    public ToolException(String message) {
        super(message, null, false, false);
    }
}

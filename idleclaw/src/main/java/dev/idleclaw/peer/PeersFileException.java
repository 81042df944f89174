package dev.idleclaw.peer;

/** The peers file cannot be read (not JSON, not an array, a malformed entry) or written. */
public final class PeersFileException extends RuntimeException {
    public PeersFileException(String message) {
        super(message);
    }

    public PeersFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

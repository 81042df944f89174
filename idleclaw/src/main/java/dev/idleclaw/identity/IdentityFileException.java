package dev.idleclaw.identity;

/** An identity file that cannot be read, written or trusted; the message names the file and says why. */
public final class IdentityFileException extends RuntimeException {
    public IdentityFileException(String message) {
        super(message);
    }

    public IdentityFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

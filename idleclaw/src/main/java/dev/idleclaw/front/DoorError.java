package dev.idleclaw.front;

/** A request a front door refuses before any node is involved: HTTP status and a message in that door's words. */
public final class DoorError extends Exception {
    private final int status;

    public DoorError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

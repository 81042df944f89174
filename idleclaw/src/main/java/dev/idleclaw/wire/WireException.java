package dev.idleclaw.wire;

/** A protocol violation; {@code closeCode}/{@code reason} are what the connection is closed with. */
public final class WireException extends Exception {
    /** Policy violation: the message was well-formed JSON but broke a protocol rule. */
    public static final int POLICY = 1008;
    /** Unsupported data: a binary frame where only text is allowed. */
    public static final int UNSUPPORTED = 1003;
    /** Invalid payload: text that is not a JSON object. */
    public static final int BAD_PAYLOAD = 1007;

    private final int closeCode;

    public WireException(int closeCode, String reason) {
        super(reason);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }

    public String reason() {
        return getMessage();
    }
}

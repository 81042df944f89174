package dev.idleclaw.receipt;

/** Why a receipt was not accepted; {@link Reason#label} is what logs and metrics show. */
public final class ReceiptException extends Exception {
    /** The acceptance checks, in the order they run. */
    public enum Reason {
        MALFORMED("malformed receipt"),
        BAD_SIGNATURE("bad signature"),
        WRONG_WORKER("worker key mismatch"),
        REQUESTER_MISMATCH("requester mismatch"),
        WRONG_REQUEST("job or model mismatch"),
        STALE("expired or future-dated"),
        TOKENS("implausible token counts"),
        REPLAY("nonce replay");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    private final Reason reason;

    public ReceiptException(Reason reason) {
        super(reason.label);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package dev.idleclaw.node;

/**
 * Counts one permanent connect error ({@link ConnectFailure#permanent()}) in a row, until the hub has accepted the
 * node once: from then on the address is known to be right and nothing counts. Any other outcome resets the count.
 * Not thread-safe: one connect loop owns it.
 */
final class PermanentFailures {
    private final int limit;
    private boolean registeredOnce;
    private String last;
    private int inARow;

    PermanentFailures(int limit) {
        this.limit = limit;
    }

    /** Records a failed attempt; true when {@code limit} identical permanent errors came in a row. */
    boolean giveUp(ConnectFailure failure) {
        if (!failure.permanent() || registeredOnce) {
            reset();
            return false;
        }
        inARow = failure.getMessage().equals(last) ? inARow + 1 : 1;
        last = failure.getMessage();
        return inARow >= limit;
    }

    /** An attempt that got past connecting. */
    void reset() {
        last = null;
        inARow = 0;
    }

    /** The hub accepted a registration. */
    void registered() {
        registeredOnce = true;
        reset();
    }

    int inARow() {
        return inARow;
    }
}

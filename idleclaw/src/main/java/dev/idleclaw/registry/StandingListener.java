package dev.idleclaw.registry;

/**
 * Hears what becomes of a key's held credits (docs/trust.md "Held credits"): the hub's wiring connects it to the
 * ledger, so the scheduler never touches the database. Called outside the scheduler's lock; a call may repeat, and
 * moving what is held twice moves nothing the second time.
 */
public interface StandingListener {
    /** {@code pubkey} left probation or the operator trusted it: its held credits become earned. */
    void released(String pubkey);

    /** {@code pubkey} was caught (suspended or banned while untrusted): its held credits are forfeited. */
    void forfeited(String pubkey);

    /** Hears nothing: a hub without a ledger listener. */
    StandingListener NONE = new StandingListener() {
        @Override
        public void released(String pubkey) {}

        @Override
        public void forfeited(String pubkey) {}
    };
}

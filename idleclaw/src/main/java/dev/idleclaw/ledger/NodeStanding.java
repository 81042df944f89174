package dev.idleclaw.ledger;

import java.util.Objects;

/**
 * One node key's standing as the ledger database keeps it (docs/trust.md "Persistence"): everything the trust rules
 * need to go on where they left off after a restart or on another hub. {@code verdict} is the operator's word
 * ({@code none}, {@code trusted}, {@code suspended}); {@code updatedAt} (epoch millis) says which of two copies is newer.
 */
public record NodeStanding(String pubkey, double reputation, int checksPassed, int cleanAnswers, long flags,
                           long flagsAtProbationStart, boolean leftProbation, String verdict, int convictions,
                           long barredUntil, long flagsAtConviction, long updatedAt) {
    public NodeStanding {
        Objects.requireNonNull(pubkey, "pubkey");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** Millionths, as stored: the rules round reputation to 1e-6, so this is exact. */
    static long micros(double value) {
        return Math.round(value * 1e6);
    }
}

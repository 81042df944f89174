package dev.idleclaw.ledger;

import java.util.Objects;

/**
 * One change of a node key's reputation, kept append-only for audit: when (epoch millis), by how much, the
 * reputation after it, and why ({@code canary}, {@code failed_request}, {@code operator_reset}…).
 */
public record ReputationChange(long at, String pubkey, double change, double reputation, String reason) {
    public ReputationChange {
        Objects.requireNonNull(pubkey, "pubkey");
        Objects.requireNonNull(reason, "reason");
    }
}

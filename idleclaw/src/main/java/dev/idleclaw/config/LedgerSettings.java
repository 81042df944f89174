package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import java.util.Objects;

/**
 * The hub's ledger and who may read it.
 *
 * @param location     the ledger file (or database URL) as {@code --ledger} names it
 * @param publicLedger true: {@code /balance} and {@code /ledger} show every account and receipt to anyone; false:
 *                     each caller sees its own, the admin everything (docs/protocol.md "Who sees the ledger")
 * @param adminToken   the admin's bearer token; empty for none (then nobody is the admin)
 */
public record LedgerSettings(String location, long bootstrapAllowance, boolean publicLedger, String adminToken) {

    /** Credit every new consumer key starts with (Lobstah's bootstrap allowance). */
    public static final long DEFAULT_BOOTSTRAP_ALLOWANCE = 10_000;

    public LedgerSettings {
        Objects.requireNonNull(location, "--ledger");
        require(bootstrapAllowance >= 0, "--bootstrap-allowance must not be negative, got " + bootstrapAllowance);
        adminToken = adminToken == null ? "" : adminToken;
    }
}

package dev.idleclaw.ledger;

/**
 * TEMPORARY STUB, written on the {@code cli} branch only so that it compiles: the real {@code Ledgers} (SQLite and
 * PostgreSQL) is being written on the ledger branch. MERGER: replace this file with the real one; keep the
 * signature {@code open(String, long)} and {@code DEFAULT_SQLITE}, which {@code dev.idleclaw.cli} uses.
 */
public final class Ledgers {
    /** The default ledger: an SQLite file in the user's IdleClaw directory. */
    public static final String DEFAULT_SQLITE = System.getProperty("user.home") + "/.idleclaw/ledger.db";

    private Ledgers() {}

    /** STUB: always throws; the real one opens an SQLite path or a PostgreSQL JDBC URL. */
    public static Ledger open(String target, long bootstrapAllowance) {
        throw new UnsupportedOperationException("ledger support is not built into this version (stub Ledgers.open)");
    }
}

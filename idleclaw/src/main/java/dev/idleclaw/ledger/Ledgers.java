package dev.idleclaw.ledger;

import java.nio.file.Path;

/** Opens the ledger a configuration names: a PostgreSQL JDBC URL, or an SQLite file. */
public final class Ledgers {
    /** Where a hub keeps its ledger when none is configured. */
    public static final String DEFAULT_SQLITE = Path.of(System.getProperty("user.home"), ".idleclaw", "ledger.db").toString();

    private static final String POSTGRES = "jdbc:postgresql:";
    private static final String SQLITE = "jdbc:sqlite:";

    private Ledgers() {}

    /**
     * {@code jdbc:postgresql:…} opens {@link PostgresLedger}; {@code jdbc:sqlite:<path>} or a plain file path opens
     * {@link SqliteLedger} (a leading {@code ~/} is the home directory; parent directories are created). Either is migrated to the current schema.
     */
    public static Ledger open(String target, long bootstrapAllowance) {
        if (target == null || target.isBlank()) throw new IllegalArgumentException("no ledger target");
        if (target.startsWith(POSTGRES)) return PostgresLedger.open(target, bootstrapAllowance);
        String file = target.startsWith(SQLITE) ? target.substring(SQLITE.length()) : target;
        if (file.isBlank() || file.startsWith(":memory:") || file.startsWith("file:")) {
            throw new IllegalArgumentException("an SQLite ledger needs a plain file path, not " + target);
        }
        if (file.startsWith("~/")) file = System.getProperty("user.home") + file.substring(1);
        return SqliteLedger.open(Path.of(file), bootstrapAllowance);
    }
}

package dev.idleclaw.ledger;

import dev.idleclaw.home.DataDir;
import java.nio.file.Path;

/** Opens the ledger a configuration names: a PostgreSQL JDBC URL, or an SQLite file. */
public final class Ledgers {
    /** The ledger's file name in a data directory. */
    public static final String DEFAULT_FILE = "ledger.db";

    private static final String POSTGRES = "jdbc:postgresql:";
    private static final String SQLITE = "jdbc:sqlite:";

    private Ledgers() {}

    /** Where a hub keeps its ledger when none is configured: {@code ledger.db} in the data directory ({@link DataDir}). */
    public static String defaultSqlite() {
        return DataDir.current().file(DEFAULT_FILE).toString();
    }

    /**
     * {@code jdbc:postgresql:…} opens {@link PostgresLedger} behind an {@link OutageBuffer} (a shared server can go
     * away while the hub runs); {@code jdbc:sqlite:<path>} or a plain file path opens
     * {@link SqliteLedger} (a leading {@code ~/} is {@code $HOME}; parent directories are created). Either is migrated
     * to the current schema.
     */
    public static Ledger open(String target, long bootstrapAllowance) {
        if (target == null || target.isBlank()) throw new IllegalArgumentException("no ledger target");
        if (target.startsWith(POSTGRES)) return new OutageBuffer(PostgresLedger.open(target, bootstrapAllowance));
        String file = target.startsWith(SQLITE) ? target.substring(SQLITE.length()) : target;
        if (file.isBlank() || file.startsWith(":memory:") || file.startsWith("file:")) {
            throw new IllegalArgumentException("an SQLite ledger needs a plain file path, not " + target);
        }
        return SqliteLedger.open(Path.of(DataDir.current().expand(file)), bootstrapAllowance);
    }
}

package dev.idleclaw.ledger;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A ledger database failed (unreachable, corrupt, full, closed…). The message names the database with any password
 * removed; the {@link java.sql.SQLException} (if any) is the cause. {@link #unavailable()} tells an outage (the
 * database cannot be reached or is shutting down: retrying later will work) from every other failure.
 */
public final class LedgerException extends RuntimeException {
    private final boolean unavailable;

    LedgerException(String message, Throwable cause) {
        super(message, cause);
        this.unavailable = outage(cause);
    }

    LedgerException(String message) {
        this(message, false);
    }

    LedgerException(String message, boolean unavailable) {
        super(message);
        this.unavailable = unavailable;
    }

    /** Whether the database could not be reached (or stopped answering): an outage, not a bad statement. */
    public boolean unavailable() {
        return unavailable;
    }

    /**
     * Connection failures: SQLSTATE class 08 (connection exception), 57P01..57P03 (the server is shutting down or
     * starting up), and a pool that had no connection to give within its timeout.
     */
    private static boolean outage(Throwable t) {
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof LedgerException le) return le.unavailable;
            if (t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException e && e.getSQLState() != null
                    && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P0"))) return true;
        }
        return false;
    }
}

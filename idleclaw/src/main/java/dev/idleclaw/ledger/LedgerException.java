package dev.idleclaw.ledger;

/**
 * A ledger database failed (unreachable, corrupt, full, closed…). The message names the database with any password
 * removed; the {@link java.sql.SQLException} (if any) is the cause.
 */
public final class LedgerException extends RuntimeException {
    LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    LedgerException(String message) {
        super(message);
    }
}

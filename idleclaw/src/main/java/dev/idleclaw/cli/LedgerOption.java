package dev.idleclaw.cli;

import dev.idleclaw.ledger.Ledgers;
import picocli.CommandLine.Option;

/** The {@code --ledger} option of the commands that work on a hub's ledger directly. */
final class LedgerOption {
    @Option(names = "--ledger", paramLabel = "TARGET", defaultValue = "${env:IDLECLAW_LEDGER}",
            description = "Ledger: an SQLite file path or a jdbc:postgresql:// URL (env: IDLECLAW_LEDGER, default: ledger.db in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw).")
    String target;

    String target() {
        return target == null || target.isBlank() ? Ledgers.defaultSqlite() : target.strip();
    }
}

package dev.idleclaw.cli;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.Ledgers;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code idleclaw server keys}: the operator's API keys, stored in the hub's ledger as SHA-256 only. Exit 1 when
 * the ledger cannot be opened or there is nothing to remove; 2 for a malformed public key.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage API keys: bearer tokens that let a client spend a public key's credit without signing.",
        subcommands = {ServerKeysCommand.Add.class, ServerKeysCommand.ListKeys.class, ServerKeysCommand.Remove.class})
final class ServerKeysCommand implements Runnable {
    /** Lobstah's bootstrap allowance (lobstah-wire.md §10), in case this command is the first to create the ledger. */
    static final long BOOTSTRAP_ALLOWANCE = 10_000;
    /** The only place the CLI opens a real ledger; tests pass their own opener instead. */
    static final Function<String, Ledger> DEFAULT_OPENER = target -> Ledgers.open(target, BOOTSTRAP_ALLOWANCE);

    private final Function<String, Ledger> opener;
    @Spec
    CommandSpec spec;

    ServerKeysCommand() {
        this(DEFAULT_OPENER);
    }

    ServerKeysCommand(Function<String, Ledger> opener) {
        this.opener = opener;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Opens the ledger or explains on stderr why not (null then). */
    Ledger open(LedgerOption ledger) {
        try {
            return opener.apply(ledger.target());
        } catch (RuntimeException e) {
            System.err.println("idleclaw server keys: cannot open ledger " + ledger.target() + ": " + ServerCommand.rootMessage(e));
            return null;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Issue a new API key for a public key and print it once.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        ServerKeysCommand parent;
        @Parameters(paramLabel = "PUBKEY", description = "The lob1… key whose credit the API key spends.")
        String pubkey;
        @Option(names = "--label", description = "A note for the list, e.g. who got the key.")
        String label;
        @Mixin
        LedgerOption ledger;

        @Override
        public Integer call() {
            if (!PublicKeys.valid(pubkey)) {
                System.err.println("idleclaw server keys add: not a public key (lob1 + 64 lowercase hex): " + pubkey);
                return 2;
            }
            try (Ledger l = parent.open(ledger)) {
                if (l == null) return 1;
                String key = ApiKeys.generate();
                l.addApiKey(ApiKeys.sha256(key), pubkey, label == null ? "" : label);
                PrintStream out = System.out;
                out.println("api key: " + key);
                out.println("public key: " + pubkey);
                out.println("note: store this key now; it cannot be shown again (only its SHA-256 is kept).");
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the public keys that have API keys (never the keys).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        ServerKeysCommand parent;
        @Mixin
        LedgerOption ledger;

        @Override
        public Integer call() {
            try (Ledger l = parent.open(ledger)) {
                if (l == null) return 1;
                List<Ledger.ApiKey> keys = l.apiKeys();
                PrintStream out = System.out;
                if (keys.isEmpty()) {
                    out.println("no api keys");
                    return 0;
                }
                out.printf("%-68s  %-20s  %s%n", "PUBKEY", "LABEL", "CREATED");
                for (Ledger.ApiKey k : keys) {
                    String label = k.label() == null || k.label().isEmpty() ? "-" : k.label();
                    out.printf("%-68s  %-20s  %s%n", k.pubkey(), label, Instant.ofEpochMilli(k.createdAt()).truncatedTo(ChronoUnit.SECONDS));
                }
                return 0;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Revoke every API key of a public key.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ServerKeysCommand parent;
        @Parameters(paramLabel = "PUBKEY", description = "The lob1… key whose API keys go.")
        String pubkey;
        @Mixin
        LedgerOption ledger;

        @Override
        public Integer call() {
            if (!PublicKeys.valid(pubkey)) {
                System.err.println("idleclaw server keys remove: not a public key (lob1 + 64 lowercase hex): " + pubkey);
                return 2;
            }
            try (Ledger l = parent.open(ledger)) {
                if (l == null) return 1;
                int removed = l.removeApiKeys(pubkey);
                if (removed == 0) {
                    System.err.println("idleclaw server keys remove: no api key for " + pubkey);
                    return 1;
                }
                System.out.println("removed " + removed + " api key" + (removed == 1 ? "" : "s") + " for " + pubkey);
                return 0;
            }
        }
    }
}

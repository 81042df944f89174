package dev.idleclaw.cli;

import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.identity.NostrKey;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw keygen}: makes the identity file if there is none (an existing one is loaded, never replaced
 * without {@code --force}) and shows its public key and its Nostr key ({@code npub1…}, as Lobstah shows it). A file
 * without a Nostr key (Lobstah's v1, or the v2 our earlier versions wrote) is left as it is unless
 * {@code --add-nostr} asks to add one. Exit 1 when the file cannot be read or written.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create your identity (an Ed25519 key and a Nostr key) if you have none, and show its public keys.")
final class KeygenCommand implements Callable<Integer> {
    @Mixin
    IdentityOption identity;
    @Option(names = "--force", description = "Replace an existing identity with a new one (the old key is lost).")
    boolean force;
    @Option(names = "--add-nostr", description = "Give an existing identity that has no Nostr key one, keeping its key"
            + " (Lobstah cannot load a version-2 file without it).")
    boolean addNostr;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        IdentityFile.Loaded loaded;
        boolean added = false;
        try {
            loaded = IdentityFile.loadOrCreate(identity.path(), force);
            if (addNostr && loaded.stored().nostr().isEmpty()) {
                loaded = IdentityFile.addNostrKey(identity.path());
                added = true;
            }
        } catch (IdentityFileException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        out.println(loaded.created() ? "created identity" : added ? "added a Nostr key to identity" : "loaded identity");
        out.println("path: " + loaded.path());
        out.println("public key: " + loaded.identity().publicKey());
        out.println("nostr key: " + loaded.stored().nostr().map(NostrKey::npub).orElse(missingNostr(loaded.stored().version())));
        return 0;
    }

    private static String missingNostr(int version) {
        return version == IdentityFile.VERSION
                ? "none (Lobstah cannot load this file; 'idleclaw keygen --add-nostr' adds one)"
                : "none (Lobstah adds one when it loads this file)";
    }
}

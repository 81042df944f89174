package dev.idleclaw.cli;

import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw keygen}: makes the identity file if there is none (an existing one is loaded, never replaced
 * without {@code --force}) and shows its public key. Exit 1 when the file cannot be read or written.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create your identity (an Ed25519 key) if you have none, and show its public key.")
final class KeygenCommand implements Callable<Integer> {
    @Mixin
    IdentityOption identity;
    @Option(names = "--force", description = "Replace an existing identity with a new one (the old key is lost).")
    boolean force;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        IdentityFile.Loaded loaded;
        try {
            loaded = IdentityFile.loadOrCreate(identity.path(), force);
        } catch (IdentityFileException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        out.println(loaded.created() ? "created identity" : "loaded identity");
        out.println("path: " + loaded.path());
        out.println("public key: " + loaded.identity().publicKey());
        return 0;
    }
}

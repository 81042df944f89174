package dev.idleclaw.cli;

import dev.idleclaw.identity.IdentityFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --identity} option shared by the commands that use the consumer's key. */
final class IdentityOption {
    @Option(names = "--identity", paramLabel = "FILE",
            description = "Identity file (env: IDLECLAW_IDENTITY, default: identity.json in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw).")
    Path file;

    /** The flag, else {@code $IDLECLAW_IDENTITY}, else the default location. */
    Path path() {
        return file != null ? file : IdentityFile.defaultPath();
    }

    /** The one-line complaint of commands that need an identity and find none. */
    static String missing(Path path) {
        return "error: no identity at " + path + "; run 'idleclaw keygen'";
    }
}

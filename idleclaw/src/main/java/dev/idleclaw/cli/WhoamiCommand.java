package dev.idleclaw.cli;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code idleclaw whoami}: the identity's public key alone on one line. Exit 1 without a (valid) identity. */
@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Print your public key.")
final class WhoamiCommand implements Callable<Integer> {
    @Mixin
    IdentityOption identity;

    @Override
    public Integer call() {
        Path path = identity.path();
        Optional<Identity> id;
        try {
            id = IdentityFile.read(path);
        } catch (IdentityFileException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (id.isEmpty()) {
            System.err.println(IdentityOption.missing(path));
            return 1;
        }
        System.out.println(id.get().publicKey());
        return 0;
    }
}

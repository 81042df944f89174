package dev.idleclaw.cli;

import dev.idleclaw.tls.ExtraTrust;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** The {@code --ca-cert} option of the commands that talk to a hub: trust one more certificate for https/wss. */
final class TlsOption {
    @Option(names = "--ca-cert", paramLabel = "PEM", defaultValue = "${env:IDLECLAW_CA_CERT:-}",
            description = "Also trust the certificate(s) in this PEM file for an https:// or wss:// hub, e.g. a self-signed "
                    + "one (env: IDLECLAW_CA_CERT, default: the JDK's CAs only).")
    String file;

    /** Null when no file is given (the JDK's default context); an {@link IllegalArgumentException} names the option. */
    SSLContext context() {
        if (file == null || file.isBlank()) return null;
        try {
            return ExtraTrust.sslContext(Path.of(file.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ca-cert " + e.getMessage());
        }
    }
}

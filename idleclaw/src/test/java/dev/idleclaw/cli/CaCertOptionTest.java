package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --ca-cert} of the commands that talk to a hub: a file that cannot be used is a bad option (exit 2). */
class CaCertOptionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"consume", "status", "balance"})
    void aMissingCaCertFileExitsTwoNamingIt(String command) {
        Path missing = dir.resolve("missing.pem");
        var args = command.equals("consume")
                ? new String[] {command, "--ca-cert", missing.toString(), "--model", "m", "--prompt", "p", "--anonymous"}
                : new String[] {command, "--ca-cert", missing.toString(), "--identity", dir.resolve("id.json").toString()};
        if (command.equals("status")) args = new String[] {command, "--ca-cert", missing.toString()};

        CliRun r = CliRun.main(args);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--ca-cert " + missing + ": no such file");
    }
}

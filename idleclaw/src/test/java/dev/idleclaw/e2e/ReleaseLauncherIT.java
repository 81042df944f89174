package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher as the release archive lays it out ({@code src/assembly/release.xml}: {@code idleclaw},
 * {@code lib-java.sh} and {@code idleclaw.jar} side by side), run through a symlink from another directory as a
 * user's {@code ~/.local/bin/idleclaw} would be: it runs the jar beside it and builds nothing (there is no checkout
 * to build in).
 */
@Timeout(60)
class ReleaseLauncherIT {
    private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @Test
    void aLinkedReleaseLauncherRunsTheJarBesideIt() throws Exception {
        Path release = Files.createTempDirectory("idleclaw-release");
        Files.copy(BIN.resolve("idleclaw"), release.resolve("idleclaw"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(BIN.resolve("lib-java.sh"), release.resolve("lib-java.sh"));
        Files.copy(Proc.JAR, release.resolve("idleclaw.jar"));
        Files.setPosixFilePermissions(release.resolve("idleclaw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path links = Files.createTempDirectory("idleclaw-path");
        Files.createSymbolicLink(links.resolve("idleclaw"), release.resolve("idleclaw"));

        var pb = new ProcessBuilder(links.resolve("idleclaw").toString(), "--version").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("IDLECLAW_"));
        pb.environment().put("HOME", Files.createTempDirectory("idleclaw-home").toString());
        // the JDK running this test: the launcher must accept it (25+), wherever the machine keeps its JDKs
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isZero();
        // the jar's manifest version (classes without a manifest would say 0.1.0-dev), and no build first
        assertThat(out.strip()).as(out).matches("idleclaw \\d+\\.\\d+\\.\\d+ \\(Java .*\\)");
    }
}

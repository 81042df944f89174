package dev.idleclaw.clients.openclaw;

import dev.idleclaw.testkit.NpmTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The IdleClaw provider plugin ({@code integrations/openclaw/provider}) built as its npm package would be: the
 * TypeScript compiled by the pinned {@link #TYPESCRIPT} (from the npm cache outside the source tree, run on the
 * machine's own Node.js) into {@code dist/}, next to copies of {@code package.json}, {@code openclaw.plugin.json} and
 * the README, in a directory under {@code target/}. The source tree gets no {@code dist/} or {@code node_modules/}.
 */
final class ProviderPlugin {
    /** Pinned so that a new compiler release cannot change the build. */
    static final String TYPESCRIPT = "typescript@5.9.3";
    /** The package's source, relative to this module. */
    static final Path SOURCE = Path.of("..", "..", "integrations", "openclaw", "provider");
    /** A cold compile of a few hundred lines; generous for a loaded CI machine. */
    private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> PACKAGE_FILES = List.of("package.json", "openclaw.plugin.json", "README.md");

    private ProviderPlugin() {}

    /** Compiles the plugin into {@code out} (emptied first) and returns it: a directory OpenClaw can install. */
    static Path build(Path out) throws IOException, InterruptedException {
        Path source = SOURCE.toAbsolutePath().normalize();
        if (!Files.isRegularFile(source.resolve("tsconfig.json"))) throw new IllegalStateException("no plugin source at " + source);
        Path tsc = NpmTools.bin(TYPESCRIPT, "tsc");
        OpenClawCli.deleteTree(out);
        Files.createDirectories(out);
        Path log = out.resolveSibling(out.getFileName() + "-tsc.log");
        var p = new ProcessBuilder(tsc.toString(), "-p", source.resolve("tsconfig.json").toString(),
                "--outDir", out.resolve("dist").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(COMPILE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("tsc did not finish within " + COMPILE_TIMEOUT);
        }
        if (p.exitValue() != 0) throw new AssertionError("tsc failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        for (String f : PACKAGE_FILES) Files.copy(source.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}

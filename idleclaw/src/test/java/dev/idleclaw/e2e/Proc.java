package dev.idleclaw.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child {@code java -jar idleclaw.jar …} process with its output in a log file. */
final class Proc implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("idleclaw.jar", "target/idleclaw.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Process process;
    final Path log;

    private Proc(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, String... args) throws IOException {
        if (!Files.exists(JAR)) throw new IllegalStateException("missing " + JAR + ": run `./mvnw verify` (it packages first)");
        Path log = Files.createTempFile("idleclaw-" + name, ".log");
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("IDLECLAW_SERVER");
        return new Proc(pb.start(), log);
    }

    /** Runs a command to completion (bounded) and returns exit code and output. */
    static Cli run(String... args) throws Exception {
        try (Proc p = start("cli", args)) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("command did not finish: " + List.of(args));
            String out = Files.readString(p.log);
            return new Cli(p.process.exitValue(), out, out);
        }
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl+C or a service manager would; waits for the process to finish its shutdown. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }

    static File devNull() {
        return new File("/dev/null");
    }
}

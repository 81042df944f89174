package dev.idleclaw.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child {@code java -jar idleclaw.jar …} process with its output in a log file. */
final class Proc implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("idleclaw.jar", "target/idleclaw.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final String IDENTITY_ENV = "IDLECLAW_IDENTITY";

    final Process process;
    final Path log;

    private Proc(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, String... args) throws IOException {
        // A command that falls back to the default identity finds none, instead of reading or creating ~/.idleclaw's.
        return start(name, Map.of(IDENTITY_ENV, identityFile(name).toString()), List.of(), args);
    }

    /**
     * A process with no {@code IDLECLAW_*} variable of the developer's, plus {@code env} (which may set {@code HOME}
     * or an {@code IDLECLAW_*} variable) and extra JVM options such as {@code -Duser.home=…}.
     */
    static Proc start(String name, Map<String, String> env, List<String> jvmOptions, String... args) throws IOException {
        if (!Files.exists(JAR)) throw new IllegalStateException("missing " + JAR + ": run `./mvnw verify` (it packages first)");
        Path log = Files.createTempFile("idleclaw-" + name, ".log");
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-Xmx256m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // The developer's own settings (hub, ledger, data dir …) must not leak into a test process.
        pb.environment().keySet().removeIf(k -> k.startsWith("IDLECLAW_"));
        pb.environment().putAll(env);
        return new Proc(pb.start(), log);
    }

    /** A fresh path for an identity file (not created: a node agent creates it on first use), outside the user's home. */
    static Path identityFile(String name) throws IOException {
        return Files.createTempDirectory("idleclaw-" + name + "-identity").resolve("identity.json");
    }

    /** Runs a command to completion (bounded) and returns exit code and output. */
    static Cli run(String... args) throws Exception {
        return finish(start("cli", args), args);
    }

    /** {@link #run} with {@link #start(String, Map, List, String...)}'s environment and JVM options. */
    static Cli run(Map<String, String> env, List<String> jvmOptions, String... args) throws Exception {
        return finish(start("cli", env, jvmOptions, args), args);
    }

    private static Cli finish(Proc started, String... args) throws Exception {
        try (Proc p = started) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("command did not finish: " + List.of(args));
            String out = Files.readString(p.log);
            return new Cli(p.process.exitValue(), out, out);
        }
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook runs. The exit code (137 on Linux), or -1 if the process outlived the wait. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
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

package dev.idleclaw.clients.openclaw;

import dev.idleclaw.testkit.NpmTools;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real OpenClaw CLI from npm, run on Node.js 24 with its home, config, state and cache inside one scratch directory
 * and an environment that holds nothing of the machine's but {@code PATH}: no ambient config, credentials or proxy can
 * leak in, and nothing is written to the real home. (OpenClaw still writes its day log under {@code /tmp/openclaw} and
 * empty lock files under {@code /tmp/openclaw-state-locks-UID}: both paths are fixed in its code.)
 */
record OpenClawCli(Path node, Path entry, Path dir) {
    /** Pinned: the version whose requests the hub's Ollama door was checked against. */
    static final String PACKAGE = "openclaw@2026.9.6";
    /** A warm turn takes ~20 s (plugin loading, SQLite state set-up); a cold, shared CI box may need several times that. */
    static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(3);
    /** OpenClaw's own deadline for the turn, below {@link #PROCESS_TIMEOUT} so that it reports a timeout itself. */
    static final Duration AGENT_TIMEOUT = Duration.ofMinutes(2);

    /** What one run printed. */
    record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Installs Node.js 24 and OpenClaw (first use only) and empties {@code dir}, the scratch directory; the last run's
     * files stay there for inspection until the next run.
     */
    static OpenClawCli install(Path dir) throws IOException {
        Path node = NpmTools.node24();
        Path entry = NpmTools.bin(PACKAGE, "openclaw", node);
        deleteTree(dir);
        return new OpenClawCli(node, entry, Files.createDirectories(dir));
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /**
     * Writes a config whose built-in Ollama provider points at {@code ollamaBaseUrl} (models discovered from its
     * {@code /api/tags}) and returns its path.
     */
    Path configFor(String ollamaBaseUrl) throws IOException {
        String config = """
                { models: { providers: { ollama: { baseUrl: "%s", apiKey: "x", api: "ollama", models: [] } } } }
                """.formatted(ollamaBaseUrl);
        return Files.writeString(dir.resolve("openclaw.json5"), config);
    }

    /** {@code openclaw agent exec}: one headless embedded turn (no gateway) that prints only the final answer. */
    Run agentExec(Path config, String model, String prompt) throws IOException, InterruptedException {
        return agentExec(config, model, prompt, Map.of(), null);
    }

    /**
     * {@link #agentExec(Path, String, String)} with extra environment variables and a directory put first on
     * {@code PATH} (after Node's; null: none), which the agent's {@code exec} tool passes on to its commands.
     */
    Run agentExec(Path config, String model, String prompt, Map<String, String> env, Path path)
            throws IOException, InterruptedException {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        return run(config, env, path, "agent", "exec", "--config", config.toString(), "--model", model,
                "--cwd", workspace.toString(), "--timeout", String.valueOf(AGENT_TIMEOUT.toSeconds()), prompt);
    }

    /** {@code openclaw <args…>} with {@code config}, the isolated environment plus {@code extraEnv}, and stdin closed. */
    Run run(Path config, Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        return run(config, extraEnv, null, args);
    }

    /** {@link #run(Path, Map, String...)} with {@code path} first on {@code PATH} after Node's (null: none). */
    Run run(Path config, Map<String, String> extraEnv, Path path, String... args) throws IOException, InterruptedException {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        List<String> cmd = new ArrayList<>(List.of(node.toString(), entry.toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).directory(workspace.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        // node first on PATH: OpenClaw's helpers may start `node` themselves
        String extraPath = node.getParent() + (path == null ? "" : File.pathSeparator + path);
        Map<String, String> env = NpmTools.isolate(pb.environment(), dir.resolve("home"), Path.of(extraPath));
        env.put("OPENCLAW_STATE_DIR", Files.createDirectories(dir.resolve("state")).toString());
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("NO_COLOR", "1");
        env.putAll(extraEnv);
        Process p = pb.start();
        p.getOutputStream().close(); // stdin closed: nothing may wait for a terminal
        if (!p.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("OpenClaw did not finish within " + PROCESS_TIMEOUT + "\n" + read(-1));
        }
        return read(p.exitValue());
    }

    private Run read(int exit) throws IOException {
        return new Run(exit, Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
}

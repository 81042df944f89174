package dev.idleclaw.clients.claudecode;

import dev.idleclaw.testkit.NpmTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code CLI from npm, run for one non-interactive turn ({@code claude -p}) against a base URL. Its
 * environment is built from scratch: nothing of the caller's (no stray {@code ANTHROPIC_*} variable), home, config,
 * XDG and temp dirs inside a fresh directory under {@code target/}, non-essential traffic (telemetry, update checks,
 * the connectivity probe) off, no SDK retries, and every model alias pointed at the served model.
 */
record ClaudeCode(Path executable) {
    /** The version verified end to end; Claude Code ships as a native binary per platform (an optional dependency). */
    static final String PACKAGE = "@anthropic-ai/claude-code@2.1.332";
    /** One turn against the stand-in takes a few seconds; a minute is room for a slow machine but never a hang. */
    static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);
    /** Any key without the {@code ick_} prefix: the hub treats it as an anonymous consumer. */
    static final String API_KEY = "sk-ant-test";
    /** The aliases Claude Code resolves side requests (titles, summaries, sub-agents) through. */
    private static final List<String> MODEL_VARIABLES = List.of("ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL",
            "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL");

    /** What one run printed and how it ended. */
    record Turn(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** The CLI, installed into the npm cache on first use. */
    static ClaudeCode installed() {
        return new ClaudeCode(NpmTools.bin(PACKAGE, "claude"));
    }

    /**
     * Runs {@code claude -p prompt --model model}, stdin closed, with its state in a fresh directory under
     * {@code work}. The working directory is an empty one outside any git repository (removed afterwards): inside
     * the source tree Claude Code would add the repository's branch, status and recent commits to the prompt.
     */
    Turn turn(String baseUrl, String model, String prompt, Path work) throws IOException, InterruptedException {
        Path project = Files.createTempDirectory("idleclaw-claude-code-");
        try {
            return turn(baseUrl, model, prompt, work, project);
        } finally {
            try (var files = Files.walk(project)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    private Turn turn(String baseUrl, String model, String prompt, Path work, Path project) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Files.createDirectories(work), "claude-code-");
        Path home = dir.resolve("home");
        var pb = new ProcessBuilder(executable.toString(), "-p", prompt, "--model", model)
                .directory(project.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        Map<String, String> env = NpmTools.isolate(pb.environment(), home, null);
        env.put("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
        env.put("ANTHROPIC_BASE_URL", baseUrl);
        env.put("ANTHROPIC_API_KEY", API_KEY);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        MODEL_VARIABLES.forEach(v -> env.put(v, model));
        Process p = pb.start();
        if (!p.waitFor(TURN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("claude -p took longer than " + TURN_TIMEOUT + "\n" + read(dir, p.exitValue()));
        }
        return read(dir, p.exitValue());
    }

    private static Turn read(Path dir, int exit) throws IOException {
        return new Turn(exit, Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
}

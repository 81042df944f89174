package dev.idleclaw.bench.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process whose merged output is copied to a log file and kept (the most recent lines) for
 * {@link #awaitLine}. {@link #close()} sends SIGTERM, then SIGKILL if it does not finish in time.
 */
public final class Child implements AutoCloseable {
    /** Lines kept in memory for matching; the log file has them all. */
    private static final int KEPT_LINES = 20_000;
    /** How long a graceful stop may take (the hub drains in-flight answers first) before SIGKILL. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path log;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final Thread pump;
    private boolean ended;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.pump = Thread.ofPlatform().daemon().name(name + "-output").start(this::pump);
    }

    /** Starts {@code command} with {@code env} added, logging to {@code <logDir>/<name>.log}. */
    public static Child start(String name, List<String> command, java.util.Map<String, String> env, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("IDLECLAW_SERVER");
        pb.environment().remove("OLLAMA_HOST");
        pb.environment().putAll(env);
        Files.writeString(log, "$ " + String.join(" ", command) + "\n");
        return new Child(name, pb.start(), log);
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The first kept line matching {@code match}, waiting up to {@code timeout}; fails if the process ends first. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String l : lines) if (match.test(l)) return l;
                if (ended) throw new IllegalStateException(name + " exited (code " + exitCode() + ") before printing the expected line; see " + log);
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new IllegalStateException(name + " did not print the expected line within " + timeout.toSeconds() + " s; see " + log);
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Waits for the process to exit by itself. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout.toSeconds() + " s; see " + log);
        }
        return process.exitValue();
    }

    private String exitCode() {
        return process.isAlive() ? "running" : Integer.toString(process.exitValue());
    }

    private void pump() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                out.flush();
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > KEPT_LINES) lines.removeFirst();
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process went away
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    /** SIGKILL: the process dies at once, as in a crash; waits until it is gone and its output copied. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        pump.join(Duration.ofSeconds(5));
    }

    /**
     * SIGTERM through the process handle ({@link Process#destroy()} would also close our end of its output, losing
     * what it prints while shutting down), SIGKILL after the grace period, then waits for the output to be copied.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        pump.join(Duration.ofSeconds(5));
    }
}

package dev.idleclaw.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs {@link CrashingAppender} in a child JVM, lets it append for a while, then SIGKILLs it. */
final class CrashRun {
    /** The child JVM must start, migrate and print READY within this. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    /** A killed process is gone (and its stdout closed) well within this. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    /** The nonces the child acknowledged, in order, and the tail of its stderr. */
    record Result(List<String> acked, String stderr) {}

    private CrashRun() {}

    static Result killAfter(String target, Duration run) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path stderr = Files.createTempFile("crashing-appender", ".err");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashingAppender.class.getName(), target)
                .redirectError(stderr.toFile()).start();
        List<String> acked = new ArrayList<>();
        var ready = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("READY")) ready.countDown();
                    else if (line.startsWith("ACK ")) synchronized (acked) { acked.add(line.substring(4)); }
                }
            } catch (IOException ignored) {
                // the pipe breaks when the child dies: everything it flushed has been read
            }
        });
        try {
            if (!ready.await(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the child never became ready: " + tail(stderr));
            }
            Thread.sleep(run);
        } finally {
            child.destroyForcibly();
            if (!child.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("the child survived SIGKILL");
            reader.join(EXIT_TIMEOUT);
        }
        synchronized (acked) {
            return new Result(List.copyOf(acked), tail(stderr));
        }
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file);
        Files.deleteIfExists(file);
        return s.length() > 2_000 ? s.substring(s.length() - 2_000) : s;
    }
}

package dev.idleclaw.e2e;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server of the test's own on a free loopback port, without persistence, that the test may stop and start
 * again on the same port (a restart loses every key, as a real one without persistence does). The machine's shared
 * Redis on 6379 is never touched.
 */
final class RedisServer implements AutoCloseable {
    /** Where Debian's redis-server package installs the binary. */
    private static final List<String> BINS = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");
    /** redis-server starts in milliseconds; this much means it is stuck. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    final int port;
    private final Path binary;
    private final Path log;
    private Process process;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private RedisServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** Starts one; skipped without redis-server, failed when {@code CI=true}. */
    static RedisServer start(Path dir) throws Exception {
        Path binary = BINS.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            boolean ci = "true".equals(System.getenv("CI"));
            Assumptions.assumeTrue(ci, "redis-server is not installed (and CI is not \"true\")");
            throw new AssertionError("CI=true but redis-server is not installed (apt-get install redis-server)");
        }
        var redis = new RedisServer(binary, FreePorts.one(), Files.createDirectories(dir).resolve("redis.log"));
        redis.start();
        return redis;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again) on its port and waits until it answers PING. */
    void start() throws Exception {
        process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", log.getParent().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("redis-server did not start on port " + port + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM and wait: the port is free and every key gone. */
    void stop() throws InterruptedException {
        disconnect();
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        process = null;
    }

    /** Runs {@code work} on the test's connection (opened on first use, and again after a failure or a restart). */
    synchronized <T> T with(Function<RedisCommands<String, String>, T> work) {
        if (client == null) client = RedisClient.create(url());
        if (connection == null) connection = client.connect();
        try {
            return work.apply(connection.sync());
        } catch (RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    private synchronized void disconnect() {
        if (connection != null) connection.close();
        connection = null;
    }

    private boolean answersPing() {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        if (client != null) client.shutdown();
    }
}

package dev.idleclaw.e2e;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis at 127.0.0.1:6379 with a fresh key prefix for one test, whose keys {@link #close} deletes; the
 * one fixture for it (the cluster package's unit tests use it too). Without a reachable server the test is skipped
 * locally, but fails when {@code CI=true} (as {@link PostgresSchema}).
 */
public final class LocalRedis implements AutoCloseable {
    public static final int PORT = 6379;
    /** A local Redis answers PING in milliseconds. */
    private static final int CONNECT_MILLIS = 1000;

    public final String prefix = "idleclaw-test:" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ":";

    private LocalRedis() {}

    /** Finds the server, or skips the test (fails it when {@code CI=true}). */
    public static LocalRedis fresh() {
        if (answersPing()) return new LocalRedis();
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, "Redis is not reachable at 127.0.0.1:" + PORT + " (and CI is not \"true\")");
        throw new AssertionError("CI=true but Redis is not reachable at 127.0.0.1:" + PORT);
    }

    public String url() {
        return "redis://127.0.0.1:" + PORT;
    }

    private static boolean answersPing() {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), CONNECT_MILLIS);
            s.setSoTimeout(CONNECT_MILLIS);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code f} on a connection of its own. */
    public <T> T with(Function<RedisCommands<String, String>, T> f) {
        var client = RedisClient.create(url());
        try (var c = client.connect()) {
            return f.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    /** Whether {@code key} exists now. */
    public boolean exists(String key) {
        return with(redis -> redis.exists(key) == 1);
    }

    /** Deletes every key under this test's prefix. */
    @Override
    public void close() {
        with(redis -> {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                var page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) redis.del(page.getKeys().toArray(String[]::new));
                cursor = page;
            } while (!cursor.isFinished());
            return null;
        });
    }
}

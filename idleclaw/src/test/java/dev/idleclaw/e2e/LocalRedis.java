package dev.idleclaw.e2e;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis at 127.0.0.1:6379 with a fresh key prefix for one test, whose keys {@link #close} deletes.
 * Without a reachable server the test is skipped locally, but fails when {@code CI=true} (as {@link PostgresSchema}).
 */
final class LocalRedis implements AutoCloseable {
    static final int PORT = 6379;
    /** A local Redis answers PING in milliseconds. */
    private static final int CONNECT_MILLIS = 1000;

    final String prefix = "idleclaw-test:" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ":";

    private LocalRedis() {}

    /** Finds the server, or skips the test (fails it when {@code CI=true}). */
    static LocalRedis fresh() {
        if (answersPing()) return new LocalRedis();
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, "Redis is not reachable at 127.0.0.1:" + PORT + " (and CI is not \"true\")");
        throw new AssertionError("CI=true but Redis is not reachable at 127.0.0.1:" + PORT);
    }

    String url() {
        return "redis://127.0.0.1:" + PORT;
    }

    private static boolean answersPing() {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), CONNECT_MILLIS);
            s.setSoTimeout(CONNECT_MILLIS);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code key} exists now. */
    boolean exists(String key) {
        var client = RedisClient.create(url());
        try (var c = client.connect()) {
            return c.sync().exists(key) == 1;
        } finally {
            client.shutdown();
        }
    }

    /** Deletes every key under this test's prefix. */
    @Override
    public void close() {
        var client = RedisClient.create(url());
        try (var c = client.connect()) {
            var redis = c.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                var page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) redis.del(page.getKeys().toArray(String[]::new));
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}

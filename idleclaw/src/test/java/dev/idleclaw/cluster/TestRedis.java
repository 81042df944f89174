package dev.idleclaw.cluster;

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
 * The machine's Redis at 127.0.0.1:6379 with a fresh key prefix for one test (as e2e's LocalRedis), whose keys
 * {@link #close} deletes. Without a reachable server the test is skipped locally, but fails when {@code CI=true}.
 */
final class TestRedis implements AutoCloseable {
    static final int PORT = 6379;
    /** A local Redis answers PING in milliseconds. */
    private static final int CONNECT_MILLIS = 1000;

    final String prefix = "idleclaw-test:" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ":";

    static TestRedis fresh() {
        if (answersPing()) return new TestRedis();
        Assumptions.assumeTrue("true".equals(System.getenv("CI")), "Redis is not reachable at 127.0.0.1:" + PORT + " (and CI is not \"true\")");
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
            return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code f} on a connection of its own. */
    <T> T with(Function<RedisCommands<String, String>, T> f) {
        var client = RedisClient.create(url());
        try (var c = client.connect()) {
            return f.apply(c.sync());
        } finally {
            client.shutdown();
        }
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

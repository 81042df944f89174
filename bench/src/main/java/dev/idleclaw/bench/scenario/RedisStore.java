package dev.idleclaw.bench.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Redis store the cluster scenarios (S9, S10) give their hubs: checked before anything starts, and a key prefix
 * of their own per run, so that runs (and tests, and a real cluster on the same Redis) never see each other's hubs.
 */
final class RedisStore {
    /** Long enough for a loopback Redis under load; a store slower than this would distort the scenario anyway. */
    private static final int TIMEOUT_MILLIS = 2000;

    private RedisStore() {}

    /** Throws a message naming {@code --redis} unless {@code redis} answers PING with PONG. */
    static void requireReachable(URI redis) {
        int port = redis.getPort() > 0 ? redis.getPort() : 6379;
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(redis.getHost(), port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            int n = s.getInputStream().readNBytes(reply, 0, reply.length);
            String text = new String(reply, 0, n, StandardCharsets.US_ASCII);
            if (!text.startsWith("+PONG")) throw new IllegalStateException("--redis " + redis + " answered PING with '" + text.strip() + "'");
        } catch (IOException e) {
            throw new IllegalStateException("the cluster scenarios need Redis: --redis " + redis + " is unreachable (" + e.getMessage() + ")");
        }
    }

    /** {@code bench-<12 hex>:}, new for every run. */
    static String runPrefix() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return "bench-" + HexFormat.of().formatHex(b) + ":";
    }
}

package dev.idleclaw.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce connection to the cluster's Redis, opened on first use and dropped on any failure, so the next use
 * connects afresh: the caller's own tick is the retry loop, and a command never waits on a reconnect in the
 * background. Used from one thread (the directory's tick) at a time.
 */
final class RedisStore implements AutoCloseable {
    /** Redis answers a healthy hub's commands in well under a millisecond; a second means it is not answering. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** A TCP connect to a reachable Redis takes milliseconds; a second means it is down or unrouted. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long closing waits for Lettuce's threads to stop: they hold nothing that needs longer. */
    private static final long SHUTDOWN_SECONDS = 2;

    private final RedisClient client;
    private final String where;
    private StatefulRedisConnection<String, String> connection;

    RedisStore(URI redis) {
        RedisURI uri = RedisURI.create(redis.toString());
        uri.setTimeout(COMMAND_TIMEOUT);
        this.where = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase(); // never the password
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build()).build());
    }

    /** The store's address for log lines: host, port and database, never credentials. */
    String where() {
        return where;
    }

    /** The commands of the open connection, connecting first when there is none; throws when Redis cannot be reached. */
    synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            drop();
            connection = client.connect();
        }
        return connection.sync();
    }

    /** Closes the connection after a failure, so the next {@link #commands()} starts from a fresh one. */
    synchronized void drop() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // a broken connection may fail to close cleanly; it is gone either way
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        drop();
        client.shutdown(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }
}

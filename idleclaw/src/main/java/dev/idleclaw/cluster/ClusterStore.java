package dev.idleclaw.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster hub's one link to the cluster's Redis, shared by its node directory ({@link ClusterDirectory}) and its
 * admission state ({@link SharedAdmission}): one Lettuce client, its connections (text, and byte values for Bucket4j;
 * Lettuce connections are thread-safe) and one reachability state. A request never waits on a connect: only the
 * background ticks connect ({@link #check()}, {@link #connected()}), and while Redis is down {@link #text()} and
 * {@link #bytes()} return null at once. A failed command anywhere marks the store down ({@link #failed}); one WARN
 * line says so for the whole hub, one INFO line says when it is back. The hub opens it once and closes it after both
 * users have stopped.
 */
public final class ClusterStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterStore.class);
    /**
     * A command waits at most this on Redis (a request is then admitted under this hub's own limits): a healthy Redis
     * on the hubs' network answers in about a millisecond.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);
    /**
     * A TCP connect and Redis's handshake take milliseconds; a second means it is down or unrouted (ticks only). Longer
     * than a command's, since a hub's first connect also warms up Lettuce, which took over 250 ms on a loaded machine.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long closing waits for Lettuce's threads to stop: they hold nothing that needs longer. */
    private static final long SHUTDOWN_SECONDS = 2;

    private enum Reach { UNKNOWN, UP, DOWN }

    private final RedisClient client;
    private final String where;
    private volatile StatefulRedisConnection<String, String> text;
    private volatile StatefulRedisConnection<String, byte[]> bytes;
    private final AtomicReference<Reach> reach = new AtomicReference<>(Reach.UNKNOWN);
    private volatile boolean closing;
    /** Told when Redis becomes unreachable and when it is back (the directory, to tick at once rather than later). */
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();

    /** Opens no connection yet: the first tick does, so the hub never waits for Redis to start. */
    public ClusterStore(URI redis) {
        RedisURI uri = RedisURI.create(redis.toString());
        uri.setTimeout(CONNECT_TIMEOUT); // bounds the connect's handshake; TimeoutOptions below bound every command
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

    /** The text connection while Redis is reachable, else null (never connects). */
    StatefulRedisConnection<String, String> text() {
        var c = text;
        return reach.get() == Reach.UP && c != null && c.isOpen() ? c : null;
    }

    /** The connection with byte values (Bucket4j's state) while Redis is reachable, else null (never connects). */
    StatefulRedisConnection<String, byte[]> bytes() {
        var c = bytes;
        return reach.get() == Reach.UP && c != null && c.isOpen() ? c : null;
    }

    /** For a background tick: the text connection, probing (and connecting) first when there is none; null when down. */
    StatefulRedisConnection<String, String> connected() {
        var c = text();
        if (c != null) return c;
        return check() ? text() : null;
    }

    /** Runs {@code r} whenever Redis becomes unreachable or reachable again; it must return quickly. */
    void onChange(Runnable r) {
        onChange.add(r);
    }

    /** Whether the last probe or command reached Redis. */
    public boolean reachable() {
        return reach.get() == Reach.UP;
    }

    /** Whether any probe or command has told yet whether Redis is reachable. */
    boolean known() {
        return reach.get() != Reach.UNKNOWN;
    }

    /** A command failed: Redis counts as down until the next {@link #check()} reaches it. Never waits. */
    void failed(RuntimeException e) {
        if (closing) return;
        if (reach.getAndSet(Reach.DOWN) != Reach.DOWN) {
            log.warn("cluster store {} is unreachable ({}): this hub serves and lists its own nodes only, and its own rate "
                    + "limits, node and stream caps and bans decide, until it is back", where, e.getMessage());
            changed();
        }
    }

    /** A probe: connects when needed and pings; true when Redis answers. Never throws. */
    synchronized boolean check() {
        if (closing) return false;
        try {
            if (text == null || !text.isOpen() || bytes == null || !bytes.isOpen()) {
                drop();
                text = client.connect();
                bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            }
            text.sync().ping();
            if (reach.getAndSet(Reach.UP) == Reach.DOWN) {
                log.info("cluster store {} is reachable again: the node directory is republished and rate limits, node and "
                        + "stream caps and bans are shared across the cluster again", where);
                changed();
            }
            return true;
        } catch (RuntimeException e) {
            drop();
            failed(e);
            return false;
        }
    }

    private void changed() {
        for (Runnable r : onChange) {
            try {
                r.run();
            } catch (RuntimeException bug) {
                log.error("a listener of the cluster store's reachability failed", bug);
            }
        }
    }

    private void drop() {
        for (var c : new StatefulRedisConnection<?, ?>[] {text, bytes}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // a broken connection may fail to close cleanly; it is gone either way
            }
        }
        text = null;
        bytes = null;
    }

    /** Closes the connections and the client; a command after this fails, and logs nothing. */
    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        drop();
        client.shutdown(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }
}

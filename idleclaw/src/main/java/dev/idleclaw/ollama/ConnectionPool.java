package dev.idleclaw.ollama;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle keep-alive connections to one Ollama, handed to the next chat so it skips the TCP handshake. Bounded in
 * number and in idle age; the most recently used connection goes out first, so the oldest ones age out. A connection
 * is only ever in the pool or in one exchange, never both. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
    /** A node runs at most ten chats at once (the wire's concurrency ceiling), so more idle ones would never all be reused. */
    static final int MAX_IDLE = 10;
    /**
     * Ollama (Go net/http with no idle timeout set) keeps idle connections forever, but servers put in front of it
     * close them after as little as 5 s (Apache httpd, Node.js); staying below that avoids most stale retries.
     */
    static final Duration MAX_IDLE_TIME = Duration.ofSeconds(4);

    /** An open connection: the socket and the buffered streams that belong to it (buffered bytes must not be lost). */
    record Connection(Socket socket, BufferedInputStream in, OutputStream out) {
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
        }
    }

    private record Idle(Connection connection, long sinceNanos) {}

    private final int maxIdle;
    private final long maxIdleNanos;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    ConnectionPool() {
        this(MAX_IDLE, MAX_IDLE_TIME);
    }

    ConnectionPool(int maxIdle, Duration maxIdleTime) {
        this.maxIdle = maxIdle;
        this.maxIdleNanos = maxIdleTime.toNanos();
    }

    /** The most recently returned connection that is not too old, or null; expired ones are closed on the way. */
    Connection take() {
        List<Connection> expired = new ArrayList<>(0);
        Connection found;
        synchronized (this) {
            expire(expired);
            Idle last = idle.pollLast();
            found = last == null ? null : last.connection();
        }
        expired.forEach(Connection::close);
        return found;
    }

    /** Keeps {@code c} for a later chat, closing the oldest idle one if the pool is full (or {@code c} if closed). */
    void give(Connection c) {
        List<Connection> dropped = new ArrayList<>(0);
        synchronized (this) {
            if (closed || maxIdle == 0) {
                dropped.add(c);
            } else {
                expire(dropped);
                if (idle.size() >= maxIdle) dropped.add(idle.pollFirst().connection());
                idle.addLast(new Idle(c, System.nanoTime()));
            }
        }
        dropped.forEach(Connection::close);
    }

    /** Closes every idle connection, e.g. when one turned out stale (Ollama restarted: its peers are stale too). */
    void clear() {
        List<Connection> all = new ArrayList<>();
        synchronized (this) {
            idle.forEach(i -> all.add(i.connection()));
            idle.clear();
        }
        all.forEach(Connection::close);
    }

    synchronized int idleCount() {
        return idle.size();
    }

    /** Closes every idle connection; connections returned later are closed instead of kept. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        clear();
    }

    private void expire(List<Connection> into) {
        long now = System.nanoTime();
        while (!idle.isEmpty() && now - idle.peekFirst().sinceNanos() > maxIdleNanos) into.add(idle.pollFirst().connection());
    }
}

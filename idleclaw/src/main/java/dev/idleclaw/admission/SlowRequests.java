package dev.idleclaw.admission;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP connections that dawdle, which Jetty's idle timer (restarted by every byte) does not: a request's
 * headers must be complete within a deadline (for a new connection, counted from when it opened), and once that
 * long has passed in its body, the body must have arrived at a minimum average rate. A timer samples each
 * connection's parser state; keep-alive connections between requests are left to the idle timeout.
 */
public final class SlowRequests extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(SlowRequests.class);
    /** Sampling period: fine enough for deadlines of seconds, cheap for thousands of connections. */
    static final Duration TICK = Duration.ofMillis(250);

    private final long headerNanos;
    private final long minBytesPerSecond;
    private final QuietLog closes = new QuietLog(log, QuietLog.DEFAULT_EVERY);
    private final Map<HttpConnection, Watch> watched = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** @param minBytesPerSecond 0 = no minimum body rate */
    public SlowRequests(Duration headerDeadline, long minBytesPerSecond) {
        this.headerNanos = headerDeadline.toNanos();
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** What a connection was last seen doing, and since when (only the timer thread touches it). */
    private static final class Watch {
        final long opened = System.nanoTime();
        Phase phase = Phase.OTHER;
        long messages = -1, since, bytesAtStart;
    }

    private enum Phase { HEADERS, BODY, OTHER }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection h) watched.put(h, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection h) watched.remove(h);
    }

    @Override
    protected void doStart() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("slow-requests").daemon().factory());
        long tick = TICK.toNanos();
        timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void doStop() {
        timer.shutdownNow();
        watched.clear();
    }

    private void sweep() {
        long now = System.nanoTime();
        watched.forEach((h, w) -> {
            try {
                String why = check(h, w, now);
                if (why != null) {
                    closes.warn("closed a connection from {}: {}", h.getEndPoint().getRemoteSocketAddress(), why);
                    h.getEndPoint().close();
                    watched.remove(h);
                }
            } catch (RuntimeException e) {
                log.debug("could not check {}", h, e);
            }
        });
    }

    /** Why {@code h} should be closed now, or null. */
    private String check(HttpConnection h, Watch w, long now) {
        var parser = h.getParser();
        long messages = h.getMessagesIn();
        Phase phase;
        if (parser.isStart()) {
            phase = messages == 0 ? Phase.HEADERS : Phase.OTHER; // between requests: the idle timeout's business
        } else if (parser.inHeaderState()) {
            phase = Phase.HEADERS;
        } else if (parser.inContentState()) {
            phase = Phase.BODY;
        } else {
            phase = Phase.OTHER;
        }
        if (phase != w.phase || messages != w.messages) {
            boolean firstRequest = phase == Phase.HEADERS && messages == 0;
            w.phase = phase;
            w.messages = messages;
            w.since = firstRequest ? w.opened : now;
            w.bytesAtStart = h.getBytesIn();
        }
        long elapsed = now - w.since;
        return switch (phase) {
            case HEADERS -> elapsed > headerNanos ? "request headers not complete within " + seconds(headerNanos) : null;
            case BODY -> {
                if (minBytesPerSecond <= 0 || elapsed <= headerNanos) yield null;
                long wanted = minBytesPerSecond * elapsed / 1_000_000_000L;
                yield h.getBytesIn() - w.bytesAtStart < wanted ? "request body slower than " + minBytesPerSecond + " bytes/s" : null;
            }
            case OTHER -> null;
        };
    }

    private static String seconds(long nanos) {
        return Duration.ofNanos(nanos).toMillis() / 1000.0 + " s";
    }
}

package dev.idleclaw.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent-events viewers of the stats feed. Each tick's event is encoded once and the same bytes are queued
 * to every viewer; a viewer that has fallen {@link #BACKLOG} events behind is dropped, never buffered without bound.
 */
final class StatsStream {
    private static final Logger log = LoggerFactory.getLogger(StatsStream.class);
    /**
     * Open dashboard streams at once: each holds a socket and a parked virtual thread, so hundreds are cheap, and a
     * cap keeps a flood of streams from holding the hub's connections (one address is capped by its socket limit).
     */
    static final int MAX_VIEWERS = 1_000;
    /** Ticks a viewer may have queued; past that it reads too slowly to be live and is dropped. */
    static final int BACKLOG = 8;
    /** How often a parked viewer wakes to notice the feed closing. */
    private static final long POLL_MILLIS = 1_000;
    /** Browsers reconnect after this many milliseconds when the stream ends (the SSE {@code retry} field). */
    private static final byte[] RETRY = "retry: 3000\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Queued to a viewer to end its stream. */
    private static final byte[] END = new byte[0];

    private final Set<BlockingQueue<byte[]>> viewers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /** Streams to one viewer: {@code first} (the full snapshot event), then every tick's event until it leaves. */
    void serve(Context ctx, byte[] first) throws IOException {
        var queue = join();
        if (queue == null) {
            ctx.status(503).header("Retry-After", "30").contentType("application/json")
                    .result("{\"detail\":\"Too many dashboard streams; try again later\"}");
            return;
        }
        try {
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("text/event-stream; charset=utf-8");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no"); // nginx would otherwise hold events back
            OutputStream out = res.getOutputStream();
            out.write(RETRY);
            out.write(first);
            out.flush();
            while (!closed) {
                byte[] event = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (event == END) break;
                if (event == null) continue;
                out.write(event);
                out.flush();
            }
        } catch (IOException gone) {
            log.debug("dashboard viewer left: {}", gone.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leave(queue);
        }
    }

    /** A new viewer's event queue, or null when {@link #MAX_VIEWERS} are streaming or the feed is closed. */
    BlockingQueue<byte[]> join() {
        if (closed || open.incrementAndGet() > MAX_VIEWERS) {
            open.decrementAndGet();
            return null;
        }
        var queue = new ArrayBlockingQueue<byte[]>(BACKLOG);
        viewers.add(queue);
        return queue;
    }

    void leave(BlockingQueue<byte[]> queue) {
        viewers.remove(queue);
        open.decrementAndGet();
    }

    /** Whether {@code event} is the end-of-stream mark. */
    static boolean isEnd(byte[] event) {
        return event == END;
    }

    /** Queues {@code event} (shared, never copied) to every viewer, dropping those too far behind. */
    void broadcast(byte[] event) {
        for (var queue : viewers) {
            if (queue.offer(event)) continue;
            viewers.remove(queue);
            queue.clear();
            queue.offer(END);
            dropped.incrementAndGet();
        }
    }

    /** Viewers streaming now. */
    int viewers() {
        return open.get();
    }

    /** Viewers dropped for reading too slowly, since start. */
    long dropped() {
        return dropped.get();
    }

    /** Ends every stream (at hub shutdown). */
    void close() {
        closed = true;
        for (var queue : viewers) {
            queue.clear();
            queue.offer(END);
        }
    }
}

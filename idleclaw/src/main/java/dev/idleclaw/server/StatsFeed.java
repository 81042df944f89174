package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.stats.Traffic;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The dashboard's numbers ({@code GET /api/stats} and the {@code GET /api/stats/stream} events): computed once per
 * {@link #TICK} for all viewers from what the hub already counts, encoded once, and the same bytes handed to every
 * request and stream. A viewer never causes a computation; the tick costs the same with none or hundreds.
 */
final class StatsFeed {
    /** How often the numbers are taken: live enough for a person watching, rare enough to cost nothing. */
    static final Duration TICK = Duration.ofSeconds(2);
    /** How far back the charts reach. */
    static final Duration HISTORY = Duration.ofMinutes(15);
    /** The window of the first-token percentiles: long enough for a few requests, short enough to follow a change. */
    static final Duration TTFT_WINDOW = Duration.ofMinutes(1);
    /** Requests that count as errors in the history: failed or cut by the hub, or refused for want of a node. */
    /** A request arriving while the hub's first tick runs waits this many milliseconds at most for it. */
    private static final int FIRST_TICK_POLLS = 5_000;
    private static final java.util.Set<String> ERRORS = java.util.Set.of("failed", "cut", "rejected");

    /** One tick's encodings: the state now, and the stream event carrying it and its history point. */
    private record Tick(ObjectNode now, byte[] event) {}

    private final StatsSnapshot snapshot;
    private final Traffic traffic;
    private final HubStats stats;
    private final LongSupplier clock;
    private final StatsHistory history = new StatsHistory((int) (HISTORY.toMillis() / TICK.toMillis()));
    private final StatsStream stream = new StatsStream();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final Object encodeLock = new Object();
    private volatile Tick current;
    /** The full snapshot (state + history) of {@link #current}, encoded when first asked for in that tick. */
    private Tick encodedFor;
    private byte[][] encoded;
    private long lastTickMillis;

    StatsFeed(StatsSnapshot snapshot, Traffic traffic, HubStats stats, LongSupplier clock) {
        this.snapshot = snapshot;
        this.traffic = traffic;
        this.stats = stats;
        this.clock = clock;
    }

    /** Takes the numbers, records a history point, and sends the tick's event to every viewer. Overlapping calls skip. */
    void tick() {
        if (!ticking.compareAndSet(false, true)) return;
        try {
            long now = clock.getAsLong();
            double seconds = lastTickMillis == 0 ? TICK.toMillis() / 1000.0 : Math.max(1, now - lastTickMillis) / 1000.0;
            lastTickMillis = now;
            Traffic.Totals total = traffic.totals(), previous = history.totalsAgo(1);
            Traffic.Totals windowStart = history.totalsAgo((int) (TTFT_WINDOW.toMillis() / TICK.toMillis()));
            var load = snapshot.load();
            long requests = 0, errors = 0;
            for (var e : total.requests().entrySet()) {
                long n = e.getValue() - previous.requests().getOrDefault(e.getKey(), 0L);
                requests += n;
                if (ERRORS.contains(e.getKey().substring(e.getKey().indexOf('/') + 1))) errors += n;
            }
            var point = new StatsHistory.Point(now / 1000, load.nodes(), load.inFlight(), load.waiting(),
                    (total.tokens() - previous.tokens()) / seconds,
                    Traffic.quantileMs(total.firstToken(), windowStart.firstToken(), 0.50),
                    Traffic.quantileMs(total.firstToken(), windowStart.firstToken(), 0.99), requests, errors);
            Traffic.Totals oldest = history.size() == 0 ? Traffic.Totals.ZERO : history.totalsAgo(Integer.MAX_VALUE);
            history.add(point, total);
            long window = Math.min(HISTORY.toSeconds(), (long) history.size() * TICK.toSeconds());
            ObjectNode state = snapshot.now(now, load, point, total, oldest, window, stats.requestsTotal());
            var event = state.deepCopy().set("point", point.json());
            var tick = new Tick(state, sse("tick", Json.write(event)));
            current = tick;
            stream.broadcast(tick.event());
        } finally {
            ticking.set(false);
        }
    }

    /** {@code GET /api/stats}: the state and its 15-minute history, as of the last tick. */
    void snapshot(Context ctx) {
        ctx.contentType("application/json").header("Cache-Control", "no-cache").result(full()[0]);
    }

    /** {@code GET /api/stats/stream}: a {@code snapshot} event, then a {@code tick} event every tick. */
    void stream(Context ctx) throws IOException {
        stream.serve(ctx, full()[1]);
    }

    /** The full snapshot's JSON bytes and its {@code snapshot} event, encoded at most once per tick however many ask. */
    private byte[][] full() {
        Tick tick = current;
        if (tick == null) tick = first();
        synchronized (encodeLock) {
            if (encodedFor != tick) {
                var o = tick.now().deepCopy();
                o.put("tick_seconds", TICK.toSeconds()).set("history", history.series());
                String json = Json.write(o);
                encoded = new byte[][] {json.getBytes(StandardCharsets.UTF_8), sse("snapshot", json)};
                encodedFor = tick;
            }
            return encoded;
        }
    }

    /** The first tick, taken here if the timer's has not run yet, or awaited while it runs. */
    private Tick first() {
        tick();
        for (int i = 0; i < FIRST_TICK_POLLS && current == null; i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            tick();
        }
        if (current == null) throw new IllegalStateException("the stats feed's first tick did not finish");
        return current;
    }

    private static byte[] sse(String event, String json) {
        return ("event: " + event + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Open streams now, and those dropped for reading too slowly. */
    int viewers() {
        return stream.viewers();
    }

    long dropped() {
        return stream.dropped();
    }

    void close() {
        stream.close();
    }
}

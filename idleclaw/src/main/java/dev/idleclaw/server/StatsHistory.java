package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.stats.Traffic;

/**
 * The dashboard's recent past: one {@link Point} and the {@link Traffic.Totals} per tick, in a fixed ring (the
 * oldest falls off), so every window (tokens per tick, first-token percentiles, requests over the history) is a
 * difference of two totals. Only the stats feed's tick writes it; readers get copies under its lock.
 */
final class StatsHistory {
    /** One tick's numbers; {@code ttftP50Ms}/{@code ttftP99Ms} are -1 when no request got a first token in the window. */
    record Point(long time, int nodes, int inFlight, int waiting, double tokensPerSecond, double ttftP50Ms,
                 double ttftP99Ms, long requests, long errors) {
        ObjectNode json() {
            var o = Json.object().put("t", time).put("nodes", nodes).put("in_flight", inFlight).put("waiting", waiting)
                    .put("tokens_per_second", round(tokensPerSecond));
            if (ttftP50Ms < 0) o.putNull("ttft_p50_ms").putNull("ttft_p99_ms");
            else o.put("ttft_p50_ms", ttftP50Ms).put("ttft_p99_ms", ttftP99Ms);
            return o.put("requests", requests).put("errors", errors);
        }
    }

    private final Point[] points;
    private final Traffic.Totals[] totals;
    private int next, size;

    StatsHistory(int capacity) {
        this.points = new Point[capacity];
        this.totals = new Traffic.Totals[capacity];
    }

    synchronized void add(Point p, Traffic.Totals t) {
        points[next] = p;
        totals[next] = t;
        next = (next + 1) % points.length;
        size = Math.min(size + 1, points.length);
    }

    /** The totals {@code ticksAgo} ticks back (1 = the last added), or the oldest kept; {@link Traffic.Totals#ZERO} when empty. */
    synchronized Traffic.Totals totalsAgo(int ticksAgo) {
        if (size == 0) return Traffic.Totals.ZERO;
        int back = Math.min(ticksAgo, size);
        return totals[Math.floorMod(next - back, points.length)];
    }

    synchronized int size() {
        return size;
    }

    /** The points as column arrays (oldest first), the shape charts take. */
    synchronized ObjectNode series() {
        var o = Json.object();
        ArrayNode t = o.putArray("t"), nodes = o.putArray("nodes"), inFlight = o.putArray("in_flight"),
                waiting = o.putArray("waiting"), tps = o.putArray("tokens_per_second"), p50 = o.putArray("ttft_p50_ms"),
                p99 = o.putArray("ttft_p99_ms"), requests = o.putArray("requests"), errors = o.putArray("errors");
        for (int i = 0; i < size; i++) {
            Point p = points[Math.floorMod(next - size + i, points.length)];
            t.add(p.time());
            nodes.add(p.nodes());
            inFlight.add(p.inFlight());
            waiting.add(p.waiting());
            tps.add(round(p.tokensPerSecond()));
            if (p.ttftP50Ms() < 0) {
                p50.addNull();
                p99.addNull();
            } else {
                p50.add(p.ttftP50Ms());
                p99.add(p.ttftP99Ms());
            }
            requests.add(p.requests());
            errors.add(p.errors());
        }
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

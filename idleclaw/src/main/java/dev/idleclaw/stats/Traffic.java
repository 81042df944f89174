package dev.idleclaw.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live totals for the dashboard, counted as requests finish: requests by door and outcome, tokens relayed, and times
 * to first token in a fixed logarithmic histogram. Recording is a few uncontended adds; the stats feed reads the
 * totals once per tick and differences them, so nothing here is per viewer.
 */
public final class Traffic {
    /** Histogram bucket bounds in milliseconds: ×1.25 steps from 1 ms past 2 min, the range first tokens live in. */
    static final double[] BOUNDS_MS = bounds(1.0, 1.25, 125_000);

    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder[] firstToken = new LongAdder[BOUNDS_MS.length + 1];

    public Traffic() {
        for (int i = 0; i < firstToken.length; i++) firstToken[i] = new LongAdder();
    }

    /** One request ended at {@code door} with {@code outcome}; {@code firstTokenNanos} 0 when no token came. */
    public void finished(String door, String outcome, long firstTokenNanos, long tokenCount) {
        requests.computeIfAbsent(door + "/" + outcome, k -> new LongAdder()).increment();
        if (tokenCount > 0) tokens.add(tokenCount);
        if (firstTokenNanos > 0) firstToken[bucket(firstTokenNanos / 1e6)].increment();
    }

    /** The totals so far, read once per tick. */
    public Totals totals() {
        var byDoor = new TreeMap<String, Long>();
        requests.forEach((k, v) -> byDoor.put(k, v.sum()));
        long[] hist = new long[firstToken.length];
        for (int i = 0; i < hist.length; i++) hist[i] = firstToken[i].sum();
        return new Totals(Map.copyOf(byDoor), tokens.sum(), hist);
    }

    /** Totals since start: requests by {@code door/outcome}, tokens, first-token histogram counts. */
    public record Totals(Map<String, Long> requests, long tokens, long[] firstToken) {
        public static final Totals ZERO = new Totals(Map.of(), 0, new long[BOUNDS_MS.length + 1]);
    }

    /**
     * The {@code q} quantile (0..1) in milliseconds of the histogram difference {@code now − then}: the upper bound of
     * the bucket it falls in (so within 25 % above the true value), or -1 when no request got a first token.
     */
    public static double quantileMs(long[] now, long[] then, double q) {
        long total = 0;
        for (int i = 0; i < now.length; i++) total += now[i] - then[i];
        if (total == 0) return -1;
        long rank = (long) Math.ceil(q * total), seen = 0;
        for (int i = 0; i < now.length; i++) {
            seen += now[i] - then[i];
            if (seen >= Math.max(1, rank)) return i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS[BOUNDS_MS.length - 1];
        }
        return BOUNDS_MS[BOUNDS_MS.length - 1];
    }

    static int bucket(double ms) {
        int lo = 0, hi = BOUNDS_MS.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (BOUNDS_MS[mid] < ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static double[] bounds(double first, double factor, double last) {
        int n = (int) Math.ceil(Math.log(last / first) / Math.log(factor)) + 1;
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = Math.round(first * Math.pow(factor, i) * 100) / 100.0;
        return b;
    }
}

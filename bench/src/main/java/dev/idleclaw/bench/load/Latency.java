package dev.idleclaw.bench.load;

import java.util.Arrays;

/** Percentiles of a set of durations, in milliseconds (nearest-rank on the exact sorted values). */
public record Latency(int count, double p50, double p90, double p99, double max) {

    static Latency of(long[] nanos) {
        if (nanos.length == 0) return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(sorted.length, ms(rank(sorted, 50)), ms(rank(sorted, 90)), ms(rank(sorted, 99)), ms(sorted[sorted.length - 1]));
    }

    private static long rank(long[] sorted, double percentile) {
        int i = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }

    /** Milliseconds to the microsecond. */
    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}

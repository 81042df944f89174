package dev.idleclaw.bench.proc;

/**
 * A process reading: when ({@link System#nanoTime()}), CPU used so far and resident memory, all in ns / bytes.
 */
public record ProcSample(long atNanos, long cpuNanos, long rssBytes) {

    /** CPU used between {@code earlier} and this sample as a percentage of one core. */
    public double cpuPercentSince(ProcSample earlier) {
        long wall = atNanos - earlier.atNanos;
        return wall <= 0 ? 0 : 100.0 * (cpuNanos - earlier.cpuNanos) / wall;
    }

    /** CPU seconds used between {@code earlier} and this sample. */
    public double cpuSecondsSince(ProcSample earlier) {
        return (cpuNanos - earlier.cpuNanos) / 1e9;
    }

    public double rssMb() {
        return rssBytes / (1024.0 * 1024.0);
    }
}

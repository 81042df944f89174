package dev.idleclaw.bench.load;

import java.util.List;

/**
 * A load run's window as time passes (S10): the tokens received so far at each tick, every failed request with the
 * wall-clock time it started and the index of the URL it went to, and how many requests a refused connection moved
 * to the next URL. Times are epoch milliseconds, so that another process (the scenario) can line them up with what it
 * did (a hub killed) on the same machine's clock.
 */
public record Timeline(List<Tick> ticks, List<Failure> failures, long failuresDropped, long rerouted) {
    /** Tokens received by {@code atMillis}, counted from the start of the run. */
    public record Tick(long atMillis, long tokens) {}

    /** A failed request: when it started, at which URL (index into the load's URLs), and why. */
    public record Failure(long startedMillis, int url, String error) {}

    /** Tokens per second between two wall-clock times, from the ticks (NaN when fewer than two ticks fall inside). */
    public double tokensPerSecond(long fromMillis, long toMillis) {
        Tick first = null, last = null;
        for (Tick t : ticks) {
            if (t.atMillis() < fromMillis || t.atMillis() > toMillis) continue;
            if (first == null) first = t;
            last = t;
        }
        if (first == null || last == first) return Double.NaN;
        return (last.tokens() - first.tokens()) * 1000.0 / (last.atMillis() - first.atMillis());
    }
}

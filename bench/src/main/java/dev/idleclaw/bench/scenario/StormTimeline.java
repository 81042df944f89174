package dev.idleclaw.bench.scenario;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's node count polled through a connect storm, so the report can say how fast registrations arrived early
 * and late in it: a per-registration cost that grows with the fleet shows as a late rate below the early one.
 */
final class StormTimeline {
    /** The early and late windows: long enough to average over Health's polls, short against a 10,000-node storm. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private record Sample(long nanos, int count) {}

    private final List<Sample> samples = new ArrayList<>();
    private long allNanos = -1;

    /** Polls until at least {@code n} nodes are registered or {@code timeout} passes, from {@code startNanos}. */
    static StormTimeline await(URI hub, int n, Duration timeout, long startNanos) throws InterruptedException {
        var t = new StormTimeline();
        long deadline = startNanos + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int count = Health.nodeCount(hub);
            long now = System.nanoTime();
            t.samples.add(new Sample(now, count));
            if (count >= n) {
                t.allNanos = now;
                break;
            }
            Thread.sleep(Health.POLL_MILLIS);
        }
        return t;
    }

    /** Milliseconds from {@code startNanos} until the hub counted every node, -1 if it never did. */
    long millisToAll(long startNanos) {
        return allNanos < 0 ? -1 : (allNanos - startNanos) / 1_000_000;
    }

    /** Registrations per second over the first {@link #WINDOW} after the first one the hub counted (NaN if none). */
    double earlyRate() {
        Sample first = samples.stream().filter(s -> s.count() > 0).findFirst().orElse(null);
        if (first == null) return Double.NaN;
        Sample before = samples.get(Math.max(0, samples.indexOf(first) - 1));
        return rate(before, at(before.nanos() + WINDOW.toNanos()));
    }

    /** Registrations per second over the last {@link #WINDOW} of the storm (to the last sample; NaN if none). */
    double lateRate() {
        if (samples.size() < 2) return Double.NaN;
        Sample last = samples.getLast();
        Sample from = samples.getFirst();
        for (Sample s : samples) if (s.nanos() <= last.nanos() - WINDOW.toNanos()) from = s;
        return rate(from, last);
    }

    /** Registrations per second from the last poll that counted none to the one that counted every node (NaN if none). */
    double overallRate() {
        if (allNanos < 0) return Double.NaN;
        Sample zero = samples.getFirst();
        for (Sample s : samples) if (s.count() <= 0) zero = s;
        return rate(zero, samples.getLast());
    }

    private Sample at(long nanos) {
        Sample found = samples.getLast();
        for (Sample s : samples.reversed()) if (s.nanos() >= nanos) found = s;
        return found;
    }

    private static double rate(Sample from, Sample to) {
        long nanos = to.nanos() - from.nanos();
        return nanos <= 0 ? Double.NaN : (Math.max(0, to.count()) - Math.max(0, from.count())) * 1e9 / nanos;
    }
}

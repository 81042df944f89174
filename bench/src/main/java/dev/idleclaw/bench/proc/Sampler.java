package dev.idleclaw.bench.proc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU time and RSS of named processes every {@link #PERIOD_MILLIS} ms on one daemon thread and keeps
 * every reading, so a report can give CPU over any window, peak RSS and an RSS series.
 */
public final class Sampler implements AutoCloseable {
    /** Twice a second: fine enough for CPU % over runs of seconds, cheap enough to be invisible. */
    public static final long PERIOD_MILLIS = 500;

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, List<ProcSample>> series = new LinkedHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sampler").daemon().factory());

    public Sampler() {
        timer.scheduleAtFixedRate(this::sampleAll, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts sampling {@code pid} under {@code name} (a new pid under an old name starts a new series). */
    public synchronized void watch(String name, long pid) {
        pids.put(name, pid);
        series.put(name, new ArrayList<>(List.of(ProcFs.sample(pid))));
    }

    public synchronized void forget(String name) {
        pids.remove(name);
    }

    /** A reading taken now (and recorded). */
    public synchronized ProcSample now(String name) {
        Long pid = pids.get(name);
        if (pid == null) throw new IllegalArgumentException("not watching " + name);
        var s = ProcFs.sample(pid);
        series.get(name).add(s);
        return s;
    }

    /** Every reading of {@code name} so far. */
    public synchronized List<ProcSample> series(String name) {
        return List.copyOf(series.getOrDefault(name, List.of()));
    }

    /** Highest RSS of {@code name} between two {@link System#nanoTime()} instants. */
    public synchronized long peakRss(String name, long fromNanos, long toNanos) {
        return series.getOrDefault(name, List.of()).stream()
                .filter(s -> s.atNanos() - fromNanos >= 0 && toNanos - s.atNanos() >= 0)
                .mapToLong(ProcSample::rssBytes).max().orElse(0);
    }

    private synchronized void sampleAll() {
        pids.forEach((name, pid) -> series.get(name).add(ProcFs.sample(pid)));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

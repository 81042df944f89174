package dev.idleclaw.tools;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/** A sliding one-minute window of tool calls per node: the {@code limit}+1st call within a minute is refused. */
final class CallRate {
    static final long WINDOW_NANOS = 60_000_000_000L;
    /** Nodes tracked at once before idle ones are swept: far above any fleet, so the map stays bounded. */
    static final int MAX_TRACKED = 10_000;

    private final int limit;

    int limit() {
        return limit;
    }
    private final Map<String, ArrayDeque<Long>> calls = new HashMap<>();

    CallRate(int limit) {
        this.limit = limit;
    }

    /** Counts one call by {@code node} at {@code now} (nanoTime); false (and not counted) when over the limit. */
    synchronized boolean tryCall(String node, long now) {
        if (calls.size() >= MAX_TRACKED) sweep(now);
        var times = calls.computeIfAbsent(node, k -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() >= WINDOW_NANOS) times.pollFirst();
        if (times.size() >= limit) return false;
        times.addLast(now);
        return true;
    }

    private void sweep(long now) {
        calls.values().removeIf(t -> t.isEmpty() || now - t.peekLast() >= WINDOW_NANOS);
    }
}

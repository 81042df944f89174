package dev.idleclaw.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Every recorded request in arrival order, plus which ones {@link #await} has handed out already. */
final class RequestLog {
    private final List<RecordedRequest> all = new ArrayList<>();
    private final Set<RecordedRequest> awaited = Collections.newSetFromMap(new IdentityHashMap<>());

    synchronized void add(RecordedRequest request) {
        all.add(request);
        notifyAll();
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(all);
    }

    /** The oldest request to {@code path} not returned by an earlier call; waits up to {@code timeout}. */
    synchronized RecordedRequest await(String path, Duration timeout) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (var request : all) {
                if (request.path().equals(path) && awaited.add(request)) return request;
            }
            var left = deadline - System.nanoTime();
            if (left <= 0) {
                var seen = all.stream().map(r -> r.method() + " " + r.path()).toList();
                throw new AssertionError("no new request to " + path + " within " + timeout + "; seen " + seen);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a request to " + path, e);
            }
        }
    }

    synchronized void clear() {
        all.clear();
        awaited.clear();
    }
}

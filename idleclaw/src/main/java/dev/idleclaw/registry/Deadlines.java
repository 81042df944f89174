package dev.idleclaw.registry;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that enforces the relay's wait deadlines (keep-alive, chunk and answer timeouts) for every
 * waiting request, so that each relayed token costs an untimed park and unpark instead of arming and cancelling a
 * timer. Deadlines are kept to within {@link #SWEEP}; every timeout they serve is seconds long.
 */
final class Deadlines {
    /** Lateness allowed on a deadline: far below the shortest timeout it serves, cheap to sweep (50 passes/s). */
    static final Duration SWEEP = Duration.ofMillis(20);
    private static final Set<RelayStream> WAITING = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("relay-deadlines").start(Deadlines::loop);
    }

    private Deadlines() {}

    static void waiting(RelayStream s) {
        WAITING.add(s);
    }

    static void done(RelayStream s) {
        WAITING.remove(s);
    }

    private static void loop() {
        long pause = SWEEP.toMillis();
        while (true) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (RelayStream s : WAITING) s.wakeIfOverdue(now);
        }
    }
}

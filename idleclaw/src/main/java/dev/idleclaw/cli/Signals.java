package dev.idleclaw.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful stop for long-running commands: Ctrl+C (SIGINT) and SIGTERM run {@code stop} on a new thread so the
 * command can return normally and the process exits 0 (a plain shutdown hook would exit 130/143); a second
 * signal exits at once. A shutdown hook still covers other exits.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);
    /** Exit code for a second Ctrl+C: the shell convention for death by SIGINT. */
    static final int EXIT_INTERRUPTED = 130;

    private Signals() {}

    static void onStop(String what, Runnable stop) {
        var signals = new AtomicInteger();
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (signals.getAndIncrement() > 0) Runtime.getRuntime().halt(EXIT_INTERRUPTED);
                    log.info("stopping {} (press Ctrl+C again to quit at once)", what);
                    Thread.ofPlatform().name(what + "-stop").start(stop);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, what + "-shutdown"));
    }
}

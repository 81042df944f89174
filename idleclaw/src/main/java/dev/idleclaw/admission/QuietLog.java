package dev.idleclaw.admission;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that a flood of bad requests could repeat thousands of times a second: written at most once per
 * interval, with a count of the ones held back since the last line, and never with a stack trace.
 */
public final class QuietLog {
    /** One line a minute shows an attack is still going on and adds at most 1,440 lines a day. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(60);

    private final Logger log;
    private final long everyNanos;
    private final AtomicLong nextAt;
    private final AtomicLong held = new AtomicLong();

    public QuietLog(Logger log, Duration every) {
        this.log = log;
        this.everyNanos = every.toNanos();
        this.nextAt = new AtomicLong(System.nanoTime());
    }

    /** Logs {@code format} (SLF4J style, arguments only, no throwable) unless a line went out within the interval. */
    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if (now - next < 0 || !nextAt.compareAndSet(next, now + everyNanos)) {
            held.incrementAndGet();
            return;
        }
        long before = held.getAndSet(0);
        if (before == 0) {
            log.warn(format, args);
        } else {
            log.warn(format + " ({} more like it since the last such line)", append(args, before));
        }
    }

    private static Object[] append(Object[] args, Object last) {
        var out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }
}

package dev.idleclaw.tracker;

import dev.idleclaw.announce.UrlSafety;
import java.util.function.LongSupplier;

/**
 * How a tracker runs: where it listens, which peer URLs it refuses, its per-address budget, its capacity and its
 * clock (tests pass a fixed one so vector timestamps count as "now").
 */
public record TrackerConfig(String host, int port, UrlSafety urlSafety, int requestsPerMinute, int maxEntries,
                            LongSupplier nowMillis) {
    /** Lobstah's tracker port (lobstah-wire.md §1). */
    public static final int DEFAULT_PORT = 17476;
    /** Loopback unless the operator means to expose it. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * Requests per minute per address, all routes together: a worker heartbeats at most twice a minute, so this
     * leaves room for a NAT full of workers and readers while stopping floods.
     */
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 120;

    public TrackerConfig {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0..65535");
    }

    /** The defaults with this address policy (system clock and DNS). */
    public static TrackerConfig of(String host, int port, UrlSafety.Policy policy) {
        return new TrackerConfig(host, port, UrlSafety.of(policy), DEFAULT_REQUESTS_PER_MINUTE, Tracker.MAX_ENTRIES,
                System::currentTimeMillis);
    }

    public TrackerConfig withRequestsPerMinute(int rpm) {
        return new TrackerConfig(host, port, urlSafety, rpm, maxEntries, nowMillis);
    }

    public TrackerConfig withMaxEntries(int max) {
        return new TrackerConfig(host, port, urlSafety, requestsPerMinute, max, nowMillis);
    }

    public TrackerConfig withClock(LongSupplier clock) {
        return new TrackerConfig(host, port, urlSafety, requestsPerMinute, maxEntries, clock);
    }

    public TrackerConfig withUrlSafety(UrlSafety safety) {
        return new TrackerConfig(host, port, safety, requestsPerMinute, maxEntries, nowMillis);
    }
}

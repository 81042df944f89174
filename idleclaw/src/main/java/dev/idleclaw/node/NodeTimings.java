package dev.idleclaw.node;

import java.time.Duration;

/**
 * Every timing the node agent uses, injectable so tests can shrink them. {@link #DEFAULTS} holds the protocol
 * values (idleclaw-wire.md §7); each {@code with…} returns a copy with one value changed.
 *
 * @param heartbeat     how often a {@code heartbeat} (and a WebSocket ping) goes to the hub
 * @param backoffUnit   the "second" of the reconnect formula {@code min(2^n, cap) + U(0,1)} units
 * @param backoffCap    the largest exponential part of a reconnect delay
 * @param drain         how long {@code stop()} lets in-flight requests finish before cancelling them
 * @param deadLink      silence (no message, ping or pong) after which the connection is dropped and redialled
 * @param register      how long to wait for the hub's reply to {@code register}
 * @param send          how long one WebSocket send (or connect) may take before the link counts as stuck
 * @param healthCache   how long an Ollama health answer is reused
 * @param ollamaConnect connect timeout for the local Ollama
 * @param ollamaIdle    longest silence between two NDJSON lines of a running generation
 */
public record NodeTimings(Duration heartbeat, Duration backoffUnit, Duration backoffCap, Duration drain,
                          Duration deadLink, Duration register, Duration send, Duration healthCache,
                          Duration ollamaConnect, Duration ollamaIdle) {

    /** Protocol heartbeat period; servers evict a node after 45 s without one. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** The backoff formula counts in seconds. */
    public static final Duration BACKOFF_UNIT = Duration.ofSeconds(1);
    /** Never wait longer than a minute (plus jitter) to come back. */
    public static final Duration BACKOFF_CAP = Duration.ofSeconds(60);
    /** Same drain window as the hub's own shutdown. */
    public static final Duration DRAIN = Duration.ofSeconds(30);
    /** Hubs ping every 20 s and we heartbeat/ping every 15 s: a minute of silence is a dead link. */
    public static final Duration DEAD_LINK = Duration.ofSeconds(60);
    /** The hub must see {@code register} within 10 s; give its answer the same time. */
    public static final Duration REGISTER = Duration.ofSeconds(10);
    /** A healthy link drains a frame in milliseconds; 10 s of back-pressure means the peer is gone. */
    public static final Duration SEND = Duration.ofSeconds(10);

    public static final NodeTimings DEFAULTS = new NodeTimings(HEARTBEAT, BACKOFF_UNIT, BACKOFF_CAP, DRAIN, DEAD_LINK,
            REGISTER, SEND, dev.idleclaw.ollama.OllamaClient.DEFAULT_HEALTH_TTL,
            dev.idleclaw.ollama.OllamaClient.DEFAULT_CONNECT_TIMEOUT, dev.idleclaw.ollama.OllamaClient.DEFAULT_IDLE_READ_TIMEOUT);

    public NodeTimings {
        positive("heartbeat", heartbeat);
        positive("backoffUnit", backoffUnit);
        positive("backoffCap", backoffCap);
        positive("drain", drain);
        positive("deadLink", deadLink);
        positive("register", register);
        positive("send", send);
        positive("healthCache", healthCache);
        positive("ollamaConnect", ollamaConnect);
        positive("ollamaIdle", ollamaIdle);
    }

    public NodeTimings withHeartbeat(Duration d) {
        return new NodeTimings(d, backoffUnit, backoffCap, drain, deadLink, register, send, healthCache, ollamaConnect, ollamaIdle);
    }

    public NodeTimings withBackoff(Duration unit, Duration cap) {
        return new NodeTimings(heartbeat, unit, cap, drain, deadLink, register, send, healthCache, ollamaConnect, ollamaIdle);
    }

    public NodeTimings withDrain(Duration d) {
        return new NodeTimings(heartbeat, backoffUnit, backoffCap, d, deadLink, register, send, healthCache, ollamaConnect, ollamaIdle);
    }

    public NodeTimings withDeadLink(Duration d) {
        return new NodeTimings(heartbeat, backoffUnit, backoffCap, drain, d, register, send, healthCache, ollamaConnect, ollamaIdle);
    }

    public NodeTimings withHealthCache(Duration d) {
        return new NodeTimings(heartbeat, backoffUnit, backoffCap, drain, deadLink, register, send, d, ollamaConnect, ollamaIdle);
    }

    public NodeTimings withOllamaIdle(Duration d) {
        return new NodeTimings(heartbeat, backoffUnit, backoffCap, drain, deadLink, register, send, healthCache, ollamaConnect, d);
    }

    /** A duration for log lines: {@code 60 s}, {@code 1.5 s}, {@code 0.2 s}. */
    static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("timing " + name + " must be positive");
    }
}

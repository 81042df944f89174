package dev.idleclaw.config;

import java.time.Duration;

/**
 * How the hub keeps its nodes' WebSocket links honest: the registration deadline, heartbeat eviction, the ping/pong
 * deadline.
 */
public record NodeLinks(Duration registrationTimeout, Duration heartbeatTimeout, Duration evictionScan,
                        Duration pingInterval, Duration pongTimeout) {

    /** Upstream: a node must register within 10 s of connecting. */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(10);
    /** Three missed 15 s heartbeats mean the node is gone. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(45);
    /** Upstream eviction scan period, one heartbeat interval. */
    public static final Duration DEFAULT_EVICTION_SCAN = Duration.ofSeconds(15);
    /** WebSocket ping period and pong deadline, as Python websockets/uvicorn use. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20), DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(20);

    public NodeLinks {
        Checks.zeroOrPositive(registrationTimeout, heartbeatTimeout, evictionScan, pingInterval, pongTimeout);
    }
}

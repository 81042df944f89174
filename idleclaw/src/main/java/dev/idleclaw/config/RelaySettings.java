package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import java.time.Duration;

/**
 * How a request waits for a node and how its answer is relayed: the queue, the relay's deadlines and buffer, the
 * keep-alive period, the IdleClaw door's answer cap, and how long shutdown lets answers finish.
 *
 * @param queueCapacity     chats that may wait for a free node (the rest get 503 at once)
 * @param relayBufferChunks chunks buffered per request between the node link and its consumer
 * @param maxResponseChars  characters of content in one IdleClaw-dialect answer
 */
public record RelaySettings(int queueCapacity, Duration queueTimeout, Duration chunkTimeout, Duration responseTimeout,
                    Duration keepAliveInterval, Duration drainTimeout, int relayBufferChunks, int maxResponseChars) {

    /** Waiting chats when every node is busy: enough for bursts, small enough to answer 503 fast under overload. */
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    /** How long a chat waits for a free node before 503; shorter than common client read timeouts. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    /** A node silent this long on a request has stalled. */
    public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(60);
    /** Upstream cap on one answer's wall time. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    /** SSE comment period: consume.py reads with a 120 s per-read timeout and proxies cut idle streams. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long shutdown lets in-flight answers finish. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Upstream caps an IdleClaw-dialect answer at 4,096 characters of content. */
    public static final int DEFAULT_MAX_RESPONSE_CHARS = 4_096;
    /** Chunks buffered per request between the node link and a consumer; overflow means the consumer stalled. */
    public static final int DEFAULT_RELAY_BUFFER = 1_000;

    public RelaySettings {
        require(queueCapacity >= 0, "--queue-size must be zero or more, got " + queueCapacity);
        require(maxResponseChars > 0, "--max-response-chars must be positive, got " + maxResponseChars);
        require(relayBufferChunks > 0, "relay buffer must be positive");
        Checks.zeroOrPositive(queueTimeout, chunkTimeout, responseTimeout, keepAliveInterval, drainTimeout);
        require(!chunkTimeout.isZero(), "--chunk-timeout must be positive");
        require(!responseTimeout.isZero(), "--response-timeout must be positive");
        require(!keepAliveInterval.isZero(), "keep-alive interval must be positive");
    }
}

package dev.idleclaw.wire;

/**
 * What one node accepts in an {@code inference_request}: messages per request, characters per message, and bytes of
 * the whole message frame. Our nodes advertise theirs at registration ({@code limits}, an extra original hubs
 * ignore); an original IdleClaw node advertises nothing and is held to {@link #ORIGINAL}.
 */
public record NodeLimits(int maxMessages, int maxMessageChars, int maxRequestBytes) {
    /** An original node's request rules (50 messages of 10,000 characters) and Python websockets' 1 MiB frames. */
    public static final NodeLimits ORIGINAL = new NodeLimits(50, 10_000, 1 << 20);
    /**
     * Our node's defaults: an agent's turn carries a system prompt of 20–30k characters, a dozen tool schemas, and a
     * history that grows by two messages per tool step; the frame limit bounds the node's memory per request.
     */
    public static final NodeLimits AGENT = new NodeLimits(1_000, 4_000_000, 16 << 20);
    /** Room in a frame for the envelope around {@code ollama_params}: type, request id, requester key, via list. */
    public static final int ENVELOPE_BYTES = 4_096;
    /** Smallest frame a node may advertise: an envelope and a short chat still fit. */
    public static final int MIN_REQUEST_BYTES = 64 * 1024;

    public NodeLimits {
        if (maxMessages < 1) throw new IllegalArgumentException("--max-messages (limits.max_messages) must be at least 1, got " + maxMessages);
        if (maxMessageChars < 1) throw new IllegalArgumentException("--max-message-chars (limits.max_message_chars) must be at least 1, got " + maxMessageChars);
        if (maxRequestBytes < MIN_REQUEST_BYTES) {
            throw new IllegalArgumentException("--max-request-bytes (limits.max_request_bytes) must be at least " + MIN_REQUEST_BYTES + ", got " + maxRequestBytes);
        }
    }

    /** Why a node with these limits would refuse a request of {@code size}, naming the limit, or null when it accepts it. */
    public String refusal(RequestSize size) {
        if (size.messages() > maxMessages) {
            return size.messages() + " messages (nodes accept at most " + maxMessages + ")";
        }
        if (size.longestMessageChars() > maxMessageChars) {
            return "a message of " + size.longestMessageChars() + " characters (nodes accept at most " + maxMessageChars + " per message)";
        }
        if (size.paramsBytes() + ENVELOPE_BYTES > maxRequestBytes) {
            return size.paramsBytes() + " bytes (nodes accept requests of at most " + (maxRequestBytes - ENVELOPE_BYTES) + " bytes)";
        }
        return null;
    }

    /** Whether these limits accept everything {@code other} accepts. */
    public boolean covers(NodeLimits other) {
        return maxMessages >= other.maxMessages && maxMessageChars >= other.maxMessageChars
               && maxRequestBytes >= other.maxRequestBytes;
    }
}

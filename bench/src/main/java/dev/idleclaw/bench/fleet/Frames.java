package dev.idleclaw.bench.fleet;

import dev.idleclaw.link.NodeSocket;
import java.nio.charset.StandardCharsets;

/**
 * The node→hub messages the fleet sends (idleclaw-wire.md §4.2), prebuilt as byte templates so that a chunk is
 * three copies into the output buffer: head, request id, tail. Token text ends in a space so the hub's stream
 * filter never holds a tail back.
 */
final class Frames {
    /** One generated piece of content; every chunk carries the same text. */
    static final String TOKEN = "tok ";
    /** Ollama-like reported durations (ns) for the final chunk: constants, the hub only relays them. */
    private static final long LOAD_NS = 1_000_000, PROMPT_NS_PER_TOKEN = 100_000, EVAL_NS_PER_TOKEN = 1_000_000;

    static final byte[] CHUNK_HEAD = ascii("{\"type\":\"inference_chunk\",\"request_id\":\"");
    static final byte[] CHUNK_TAIL = ascii("\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"" + TOKEN + "\"},\"done\":false}}");
    /** The upgrade header line with which a node asks the hub for a challenge (the product's own constants). */
    static final String AUTH_UPGRADE_HEADER = NodeSocket.AUTH_HEADER + ": " + NodeSocket.AUTH_SCHEME + "\r\n";
    private static final String DONE_TAIL = "\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"";

    private Frames() {}

    /** The final {@code done:true} chunk, with Ollama's six metrics ({@code eval_count} = tokens streamed). */
    static byte[] done(String requestId, int tokens, int promptTokens, long elapsedNanos) {
        return done(requestId, tokens, promptTokens, elapsedNanos, null);
    }

    /**
     * The final chunk as {@link #done(String, int, int, long)}, with an authenticated node's signed receipt (JSON
     * text, its counts equal to this chunk's) as the message's {@code receipt}; null = none.
     */
    static byte[] done(String requestId, int tokens, int promptTokens, long elapsedNanos, String receipt) {
        long promptNs = promptTokens * PROMPT_NS_PER_TOKEN;
        long evalNs = Math.max(tokens * EVAL_NS_PER_TOKEN, elapsedNanos);
        return ascii("{\"type\":\"inference_chunk\",\"request_id\":\"" + requestId + DONE_TAIL
                + ",\"total_duration\":" + (LOAD_NS + promptNs + evalNs) + ",\"load_duration\":" + LOAD_NS
                + ",\"prompt_eval_count\":" + promptTokens + ",\"prompt_eval_duration\":" + promptNs
                + ",\"eval_count\":" + tokens + ",\"eval_duration\":" + evalNs + "}"
                + (receipt == null ? "" : ",\"receipt\":" + receipt) + "}");
    }

    static byte[] register(String nodeId, String model, int slots) {
        return register(nodeId, model, slots, null);
    }

    /** {@code register}, with the {@code auth} object (JSON text) of an authenticating node; null = anonymous. */
    static byte[] register(String nodeId, String model, int slots, String auth) {
        return ascii("{\"type\":\"register\",\"node_id\":\"" + nodeId + "\",\"models\":[{\"name\":\"" + model
                + "\",\"size\":2019393189}],\"max_concurrent\":" + slots + ",\"ollama_version\":\"bench-fleet\""
                + (auth == null ? "" : ",\"auth\":" + auth) + "}");
    }

    static byte[] heartbeat(String nodeId, int active) {
        return ascii("{\"type\":\"heartbeat\",\"node_id\":\"" + nodeId + "\",\"active_requests\":" + active + ",\"available\":true}");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

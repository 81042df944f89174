package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Messages a node sends to a hub on {@code /ws/node}. */
public sealed interface NodeMessage {

    /** First message of every connection. {@code maxConcurrent} is already clamped to 1..10. */
    record Register(String nodeId, List<ModelInfo> models, int maxConcurrent, String ollamaVersion)
            implements NodeMessage {}

    /** Liveness, every 15 s. Fields are advisory; {@code nodeId} may be null. */
    record Heartbeat(String nodeId, Integer activeRequests, Boolean available) implements NodeMessage {}

    /** One Ollama chunk ({@code message}, {@code done}, {@code done_reason}, optional metrics). */
    record InferenceChunk(String requestId, ObjectNode chunk) implements NodeMessage {}

    /** The request failed on the node: {@code invalid_request}, {@code ollama_unavailable} or {@code ollama_error}. */
    record InferenceError(String requestId, String error) implements NodeMessage {}

    /** A type this side does not know; ignored. */
    record Unknown(String type) implements NodeMessage {}
}

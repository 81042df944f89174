package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Messages a node sends to a hub on {@code /ws/node}. */
public sealed interface NodeMessage {

    /**
     * First message of every connection. {@code maxConcurrent} is already clamped to 1..10. {@code features} names the
     * optional request types the node serves (our extra, e.g. {@link #EMBED}); original nodes send none, never null.
     * {@code limits} is what the node accepts per request (our extra); an original node's are {@link NodeLimits#ORIGINAL}.
     */
    record Register(String nodeId, List<ModelInfo> models, int maxConcurrent, String ollamaVersion, NodeAuth auth,
                    List<String> features, NodeLimits limits) implements NodeMessage {
        /** The feature of a node that answers {@code embed_request}. */
        public static final String EMBED = "embed";

        public Register {
            features = features == null ? List.of() : List.copyOf(features);
            limits = limits == null ? NodeLimits.ORIGINAL : limits;
        }

        /** A registration with features and an original node's limits. */
        public Register(String nodeId, List<ModelInfo> models, int maxConcurrent, String ollamaVersion, NodeAuth auth,
                        List<String> features) {
            this(nodeId, models, maxConcurrent, ollamaVersion, auth, features, null);
        }

        /** A registration without features. */
        public Register(String nodeId, List<ModelInfo> models, int maxConcurrent, String ollamaVersion, NodeAuth auth) {
            this(nodeId, models, maxConcurrent, ollamaVersion, auth, List.of());
        }

        /** An anonymous (original IdleClaw) registration. */
        public Register(String nodeId, List<ModelInfo> models, int maxConcurrent, String ollamaVersion) {
            this(nodeId, models, maxConcurrent, ollamaVersion, null);
        }

        public boolean serves(String feature) {
            return features.contains(feature);
        }
    }

    /**
     * Proof of a node's key in its {@code register} message (docs/protocol.md "Node authentication"): an Ed25519
     * signature over {@link #message} for the connection's one-time challenge.
     */
    record NodeAuth(String pubkey, long timestamp, String signature) {
        /** What the node signs: bound to the connection's challenge, the hub's key, the node id and the time. */
        public static byte[] message(String challenge, String hubKey, String nodeId, long timestamp) {
            return ("idleclaw-node-auth-v1\n" + challenge + "\n" + hubKey + "\n" + nodeId + "\n" + timestamp)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Liveness, every 15 s. Fields are advisory; {@code nodeId} may be null. */
    record Heartbeat(String nodeId, Integer activeRequests, Boolean available) implements NodeMessage {}

    /** One Ollama chunk ({@code message}, {@code done}, {@code done_reason}, optional metrics). */
    record InferenceChunk(String requestId, ObjectNode chunk, ObjectNode receipt) implements NodeMessage {
        /** A chunk without a receipt (every chunk but an authenticated node's last). */
        public InferenceChunk(String requestId, ObjectNode chunk) {
            this(requestId, chunk, null);
        }
    }

    /**
     * The answer to an {@code embed_request}: one vector per input, in input order, the tokens Ollama counted, and an
     * authenticated node's signed receipt (null otherwise).
     */
    record EmbedResult(String requestId, List<float[]> embeddings, long promptEvalCount, ObjectNode receipt) implements NodeMessage {
        /** A result without a receipt (an anonymous node's). */
        public EmbedResult(String requestId, List<float[]> embeddings, long promptEvalCount) {
            this(requestId, embeddings, promptEvalCount, null);
        }
    }

    /** The request failed on the node: {@code invalid_request}, {@code ollama_unavailable} or {@code ollama_error}. */
    record InferenceError(String requestId, String error) implements NodeMessage {}

    /** A type this side does not know; ignored. */
    record Unknown(String type) implements NodeMessage {}
}

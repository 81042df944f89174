package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Messages a hub sends to a node. */
public sealed interface HubMessage {

    record Registered(String nodeId) implements HubMessage {}

    /** Run {@code params} (Ollama {@code /api/chat} parameters) and stream the answer back under {@code requestId}. */
    /**
     * {@code via}: the hubs the request already crossed, for forwarding to peers only (hub-internal, never encoded).
     */
    record InferenceRequest(String requestId, ObjectNode params, String requester, java.util.List<String> via) implements HubMessage {
        /** A request whose consumer is anonymous (and the form original IdleClaw hubs send). */
        public InferenceRequest(String requestId, ObjectNode params) {
            this(requestId, params, null, java.util.List.of());
        }

        public InferenceRequest(String requestId, ObjectNode params, String requester) {
            this(requestId, params, requester, java.util.List.of());
        }
    }
    /**
     * Sent first, only to a node that asked to authenticate ({@code X-IdleClaw-Auth} on the upgrade): a one-time
     * {@code challenge} for this connection and the hub's public key, both covered by the node's signature.
     */
    record AuthChallenge(String challenge, String hubKey) implements HubMessage {}

    /**
     * Embed {@code input} with {@code model} (Ollama {@code /api/embed}); sent only to a node whose registration
     * advertises {@link NodeMessage.Register#EMBED}. {@code dimensions}, {@code truncate}, {@code keepAlive} (a
     * string or number) and {@code options} are null when the consumer did not set them; {@code requester} is the
     * consumer's key for the receipt, null when anonymous (as in {@link InferenceRequest}).
     */
    record EmbedRequest(String requestId, String model, java.util.List<String> input, Integer dimensions, Boolean truncate,
                        com.fasterxml.jackson.databind.JsonNode keepAlive, ObjectNode options, String requester) implements HubMessage {
        public EmbedRequest {
            input = java.util.List.copyOf(input);
        }

        /** A request whose consumer is anonymous. */
        public EmbedRequest(String requestId, String model, java.util.List<String> input, Integer dimensions, Boolean truncate,
                            com.fasterxml.jackson.databind.JsonNode keepAlive, ObjectNode options) {
            this(requestId, model, input, dimensions, truncate, keepAlive, options, null);
        }
    }

    /** Stop working on {@code requestId}; sent for every request the hub stops consuming. */
    record CancelRequest(String requestId) implements HubMessage {}

    /** A type this side does not know; ignored. */
    record Unknown(String type) implements HubMessage {}
}

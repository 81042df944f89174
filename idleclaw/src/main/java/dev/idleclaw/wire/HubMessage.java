package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Messages a hub sends to a node. */
public sealed interface HubMessage {

    record Registered(String nodeId) implements HubMessage {}

    /** Run {@code params} (Ollama {@code /api/chat} parameters) and stream the answer back under {@code requestId}. */
    record InferenceRequest(String requestId, ObjectNode params) implements HubMessage {}

    /** Stop working on {@code requestId}; sent for every request the hub stops consuming. */
    record CancelRequest(String requestId) implements HubMessage {}

    /** A type this side does not know; ignored. */
    record Unknown(String type) implements HubMessage {}
}

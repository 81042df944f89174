package dev.idleclaw.registry;

import dev.idleclaw.wire.HubMessage;

/**
 * How the hub reaches one backend, the transport under a {@link NodeLink}: a node agent's WebSocket
 * ({@link NodeSocketBackend}), a peer hub or worker over HTTP ({@link PeerTransport}), the worker's own Ollama in
 * this process ({@link LocalOllamaBackend}), or another hub of this hub's cluster ({@link MemberTransport}). The relay, the scheduler and
 * the receipt check see only this seam; each difference between them lives in one method here.
 */
public sealed interface Backend permits NodeSocketBackend, PeerTransport, LocalOllamaBackend, MemberTransport {
    /**
     * Queues {@code m} for the backend; false when it cannot go (closed link, full queue, a frame over what the node
     * accepts). An {@code inference_request} starts the request; the answer comes back through {@code link}.
     */
    boolean send(NodeLink link, HubMessage m);

    /** Ends the connection; the link is then marked gone. Called at most once per link. */
    void close(NodeLink link, int code, String reason);

    /** Checks the connection's liveness (a WebSocket ping; a peer is checked by each request). */
    void ping();

    /** The address operators see: a node's IP with its host part masked, a peer's host name. */
    String shownAddress(String ip);

    /** The job id this backend's receipt must name for hub request {@code requestId}; null when the backend names its own. */
    String receiptJobId(String requestId);

    /** The key a receipt from this backend may name as requester in place of the consumer (a peer names this hub), or null. */
    String vouchedRequester();

    /** Whether the per-address and per-key node caps count this backend (a node agent), or not (a peer). */
    boolean isNodeAgent();

    /**
     * Whether the backend is another hub of this hub's cluster (docs/architecture.md "Cluster forwarding"): chosen only
     * when no other backend can take the request now; its nodes are judged by that hub (no reputation, suspicion or
     * re-runs here); and its receipts are recorded in the shared ledger by that hub, only checked here.
     */
    boolean clusterMember();
}

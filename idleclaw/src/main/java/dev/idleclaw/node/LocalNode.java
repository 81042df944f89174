package dev.idleclaw.node;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import java.net.URI;
import java.util.UUID;

/**
 * The node agent's request handling without its WebSocket, for a hub in the same process ({@code idleclaw worker}):
 * the hub hands it the messages it would send a node ({@link #receive}), and it answers through a {@link NodeOutbox}
 * with the same {@code inference_chunk}, {@code embed_result} and {@code inference_error} messages, checked by the same
 * {@link RequestRules}, run in the same slots and signed with the same key as the agent's. Nothing is encoded.
 */
public final class LocalNode implements AutoCloseable {
    private final String nodeId = UUID.randomUUID().toString();
    private final Inventory inventory;
    private final int maxConcurrent;
    private final NodeLimits limits;
    private final OllamaClient ollama;
    private final RequestSlots slots;
    private final RequestDesk desk;

    /**
     * A node serving {@code inventory} from the Ollama at {@code ollamaUrl} ({@code timings}: its connect, idle and
     * health-cache times), {@code maxConcurrent} requests at once within {@code limits}, signing receipts with
     * {@code identity}; its answers go to {@code out}.
     */
    public LocalNode(URI ollamaUrl, Inventory inventory, int maxConcurrent, NodeLimits limits, NodeTimings timings,
                     Identity identity, NodeOutbox out) {
        this.inventory = inventory;
        this.maxConcurrent = maxConcurrent;
        this.limits = limits;
        this.ollama = new OllamaClient(ollamaUrl, timings.ollamaConnect(), timings.ollamaIdle(), timings.healthCache());
        this.slots = new RequestSlots(maxConcurrent);
        this.desk = new RequestDesk(slots, new RequestRules(inventory.capabilities(), inventory.contextLengths(), limits),
                ollama, identity, out);
    }

    /**
     * What the agent would register: a fresh node id, the inventory's models (sizes, capabilities, context lengths),
     * its slots, Ollama's version, the embed feature and its limits. No proof of key: the hub in the same process
     * already holds it.
     */
    public NodeMessage.Register registration() {
        return new NodeMessage.Register(nodeId, inventory.models(), maxConcurrent, inventory.ollamaVersion(), null,
                HubSession.FEATURES, limits);
    }

    /** Takes an {@code inference_request}, {@code embed_request} or {@code cancel_request}; never blocks on Ollama. */
    public void receive(HubMessage m) {
        desk.receive(m);
    }

    /** Requests running right now. */
    public int activeRequests() {
        return slots.active();
    }

    /** Refuses new requests, cancels the running ones (their answers stop) and closes the Ollama client. Idempotent. */
    @Override
    public void close() {
        slots.close();
        desk.cancelAll();
        ollama.close();
    }
}

package dev.idleclaw.registry;

import dev.idleclaw.node.LocalNode;
import dev.idleclaw.node.NodeOutbox;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Ollama of {@code idleclaw worker}, served in the hub's own process by a {@link LocalNode}: the node agent's
 * request handling, rules and signed receipts, with its answers handed straight to the link's requests (as
 * {@code link.NodeSocket} does after decoding a frame) instead of crossing a loopback WebSocket. It is registered under the
 * worker's key like the agent it replaces; having no connection, it is never pinged, heartbeat-checked or evicted,
 * and it stays until the hub closes it.
 */
public final class LocalOllamaBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(LocalOllamaBackend.class);
    /** The worker's node is on this machine: the address its loopback agent used, so operators see the same. */
    static final String ADDRESS = "127.0.0.1";

    private final HubStats stats;
    private final NodeRegistry registry;
    private final LocalNode node;
    private final NodeLink link;

    private LocalOllamaBackend(NodeRegistry registry, HubStats stats, String pubkey, Function<NodeOutbox, LocalNode> node) {
        this.registry = registry;
        this.stats = stats;
        this.node = node.apply(this::answer);
        this.link = new NodeLink(this, ADDRESS, pubkey);
    }

    /**
     * Builds the node ({@code node} makes it from where its answers go) and registers its link under {@code pubkey} with
     * what the node agent would register.
     */
    public static LocalOllamaBackend attach(NodeRegistry registry, HubStats stats, String pubkey, Function<NodeOutbox, LocalNode> node)
            throws WireException {
        var backend = new LocalOllamaBackend(registry, stats, pubkey, node);
        try {
            registry.register(backend.link, backend.node.registration());
        } catch (WireException e) {
            backend.node.close();
            throw e;
        }
        return backend;
    }

    public NodeLink link() {
        return link;
    }

    /** A node answer, routed to its request like a decoded frame; a late one for a finished request is a stray. */
    private boolean answer(NodeMessage m, BooleanSupplier stillWanted) {
        if (link.isClosed() || !stillWanted.getAsBoolean()) return false;
        if (!link.deliver(m)) stats.strayMessage();
        return true;
    }

    @Override
    public boolean send(NodeLink link, HubMessage m) {
        node.receive(m);
        return true;
    }

    /** Stops the node (running requests are cancelled), tells the link's requests and takes the link out. */
    @Override
    public void close(NodeLink link, int code, String reason) {
        node.close();
        log.info("{} closed ({} {})", link, code, reason);
        link.disconnected();
        registry.remove(link);
    }

    /** Nothing to check: there is no connection, and the node lives as long as the hub. */
    @Override
    public void ping() {}

    @Override
    public String shownAddress(String ip) {
        return NodeSocketBackend.masked(ip);
    }

    @Override
    public String receiptJobId(String requestId) {
        return requestId;
    }

    @Override
    public String vouchedRequester() {
        return null;
    }

    /** It counts as the worker's node agent did: one node of the worker's key, from this machine. */
    @Override
    public boolean isNodeAgent() {
        return true;
    }

    @Override
    public boolean clusterMember() {
        return false;
    }
}

package dev.idleclaw.hub;

import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory node directory: which connections are registered and which models they serve. All state is
 * keyed by the {@link NodeLink} (the connection); a node id only finds the link to replace on re-registration,
 * and removal happens only if that exact link is still the registered one (idleclaw-wire.md §11 #2, #5).
 */
public final class NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final int maxNodesPerIp;
    private final Map<String, NodeLink> byNodeId = new HashMap<>();
    private final AtomicLong registeredTotal;
    private volatile List<NodeLink> registered = List.of();
    private volatile Map<String, List<NodeLink>> byModel = Map.of();
    private Runnable onChange = () -> {};

    public NodeRegistry(int maxNodesPerIp, long registeredTotalSoFar) {
        this.maxNodesPerIp = maxNodesPerIp;
        this.registeredTotal = new AtomicLong(registeredTotalSoFar);
    }

    /** Called (outside the registry lock) after every change, so the scheduler can hand new slots to waiters. */
    /** Keys whose reputation is remembered; beyond this, new keys start afresh (bounded memory). */
    static final int MAX_REMEMBERED_KEYS = 100_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Double> reputationByKey = new java.util.concurrent.ConcurrentHashMap<>();

    void onChange(Runnable r) {
        this.onChange = r;
    }

    /**
     * Registers {@code link}. A live registration with the same node id is replaced only by its owner: for an
     * authenticated node, a connection proving the same key (from any address); for an anonymous node, one from the
     * same address (the same host reconnecting). Anyone else is refused, so nobody can evict a heart-beating node by
     * guessing its id, and an authenticated node's id is never taken by an anonymous one sharing its address.
     */
    public void register(NodeLink link, NodeMessage.Register r) throws WireException {
        NodeLink replaced;
        synchronized (this) {
            replaced = byNodeId.get(r.nodeId());
            boolean owner = replaced == null || (replaced.pubkey() != null ? sameKey(replaced, link) : replaced.ip().equals(link.ip()));
            if (!owner) {
                throw new WireException(WireException.POLICY, "node_id already registered");
            }
            if (link.pubkey() != null && link.backend().isNodeAgent()) {
                // A key is one owner, wherever it connects from: the per-address cap applies to it too.
                long ofKey = registered.stream().filter(l -> l != replaced && sameKey(l, link)).count();
                if (ofKey >= maxNodesPerIp) throw new WireException(WireException.POLICY, "too many nodes for this key");
                Double remembered = reputationByKey.get(link.pubkey());
                if (remembered != null) link.reputation = remembered;
            }
            long fromIp = !link.backend().isNodeAgent() ? 0
                    : registered.stream().filter(l -> l != replaced && l.backend().isNodeAgent() && l.ip().equals(link.ip())).count();
            if (fromIp >= maxNodesPerIp) throw new WireException(WireException.POLICY, "too many nodes from this IP");
            link.registered(r);
            byNodeId.put(r.nodeId(), link);
            var next = new ArrayList<>(registered);
            next.remove(replaced);
            next.add(link);
            publish(next);
        }
        registeredTotal.incrementAndGet();
        if (replaced != null) replaced.close(1000, "re-registered");
        log.info("registered {} with {} model(s), max_concurrent {}, ollama {}", link, r.models().size(),
                r.maxConcurrent(), r.ollamaVersion());
        onChange.run();
    }

    private static boolean sameKey(NodeLink a, NodeLink b) {
        return a.pubkey() != null && a.pubkey().equals(b.pubkey());
    }

    /**
     * Keeps an authenticated node's reputation across its connections (called under the scheduler's lock), so a
     * node cannot shed a bad reputation by reconnecting. Anonymous nodes start afresh each time.
     */
    void rememberReputation(NodeLink link) {
        if (link.pubkey() != null && (reputationByKey.size() < MAX_REMEMBERED_KEYS || reputationByKey.containsKey(link.pubkey()))) {
            reputationByKey.put(link.pubkey(), link.reputation);
        }
    }

    /** Forgets {@code link} if it is registered; a replaced link's late cleanup changes nothing. */
    public void remove(NodeLink link) {
        synchronized (this) {
            if (!registered.contains(link)) return;
            byNodeId.remove(link.nodeId(), link);
            var next = new ArrayList<>(registered);
            next.remove(link);
            publish(next);
        }
        log.info("removed {}", link);
        onChange.run();
    }

    private void publish(List<NodeLink> next) {
        Map<String, List<NodeLink>> index = new HashMap<>();
        for (NodeLink l : next) for (ModelInfo m : l.models()) index.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(l);
        index.replaceAll((k, v) -> List.copyOf(v));
        registered = List.copyOf(next);
        byModel = Map.copyOf(index);
    }

    /** Registered links in registration order. */
    public List<NodeLink> registered() {
        return registered;
    }

    /** Links that list {@code model} (exact name), in registration order. */
    public List<NodeLink> serving(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    public long registeredTotal() {
        return registeredTotal.get();
    }
}

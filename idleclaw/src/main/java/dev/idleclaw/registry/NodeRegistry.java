package dev.idleclaw.registry;

import dev.idleclaw.config.TrustSettings;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireException;
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
 * A registration or removal costs the same however many nodes are registered ({@link Directory}).
 */
public final class NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    private final int maxNodesPerIp;
    private final Map<String, NodeLink> byNodeId = new HashMap<>();
    private final Directory directory = new Directory(); // guarded by this
    private final AtomicLong registeredTotal;
    private final Standings standings;
    private final BanList bans;
    /** The cluster-wide part of the node cap ({@link NodeLeases#NONE} for a hub on its own). */
    private final NodeLeases leases;
    private Runnable onChange = () -> {};

    public NodeRegistry(int maxNodesPerIp, long registeredTotalSoFar) {
        this(maxNodesPerIp, registeredTotalSoFar, TrustSettings.DEFAULTS);
    }

    /** {@code trust}: probation and the suspension threshold (docs/trust.md). */
    public NodeRegistry(int maxNodesPerIp, long registeredTotalSoFar, TrustSettings trust) {
        this(maxNodesPerIp, registeredTotalSoFar, trust, new Bans(), NodeLeases.NONE);
    }

    /** {@code bans} and {@code leases}: this hub's own, or the cluster's shared ones. */
    public NodeRegistry(int maxNodesPerIp, long registeredTotalSoFar, TrustSettings trust, BanList bans, NodeLeases leases) {
        this.maxNodesPerIp = maxNodesPerIp;
        this.bans = bans;
        this.leases = leases;
        this.registeredTotal = new AtomicLong(registeredTotalSoFar);
        this.standings = new Standings(trust);
    }

    /** Every key's standing, remembered across its connections (the rules run under the scheduler's lock). */
    Standings standings() {
        return standings;
    }

    /**
     * Keeps every key's standing in {@code store} (docs/trust.md "Persistence"): loaded when the key connects, written
     * behind each change. Set once at startup, before nodes connect.
     */
    public void persistStandings(StandingStore store) {
        standings.persistTo(store);
    }

    /** The operator's bans: a banned key or address cannot register ({@link #register}). */
    public BanList bans() {
        return bans;
    }

    /** Called (outside the registry lock) after every change, so the scheduler can hand new slots to waiters. */
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
        if (bans.banned(link.pubkey(), link.ip())) {
            log.info("refused node {} from {}: its key or address is banned", r.nodeId(), link.maskedIp());
            throw new WireException(WireException.POLICY, "banned by the hub's operator");
        }
        // The cluster's count first, outside the lock: it may wait (briefly) on the shared store.
        List<String> scopes = scopes(link);
        NodeLeases.Taken taken = scopes.isEmpty() ? null : leases.take(r.nodeId(), scopes, maxNodesPerIp);
        if (taken != null && !taken.granted()) {
            throw new WireException(WireException.POLICY, taken.full().startsWith("key:") ? "too many nodes for this key"
                    : "too many nodes from this IP");
        }
        NodeLink replaced;
        try {
            replaced = commit(link, r);
        } catch (WireException | RuntimeException e) {
            if (taken != null) leases.release(r.nodeId(), taken.newly());
            throw e;
        }
        // A node that re-registered from another address no longer counts against the old one.
        if (replaced != null && !replaced.ip().equals(link.ip()) && Directory.agentFrom(replaced, replaced.ip())) {
            leases.release(r.nodeId(), List.of(NodeLeases.address(replaced.ip())));
        }
        registeredTotal.incrementAndGet();
        if (replaced != null) replaced.close(1000, "re-registered");
        log.info("registered {} with {} model(s), max_concurrent {}, ollama {}", link, r.models().size(),
                r.maxConcurrent(), r.ollamaVersion());
        onChange.run();
    }

    /** The scopes a link's node counts in across the cluster: a node agent's address, and its key when it proved one. */
    private static List<String> scopes(NodeLink link) {
        if (!link.backend().isNodeAgent()) return List.of();
        return link.pubkey() == null ? List.of(NodeLeases.address(link.ip()))
                : List.of(NodeLeases.address(link.ip()), NodeLeases.key(link.pubkey()));
    }

    /** This hub's checks and the registration itself, under the lock; the link replaced, if any. */
    private NodeLink commit(NodeLink link, NodeMessage.Register r) throws WireException {
        // The key's standing as the ledger database has it (another hub may have convicted it), read before any lock.
        Standing keyed = link.pubkey() != null && link.backend().isNodeAgent() ? standings.refresh(link.pubkey()) : null;
        NodeLink replaced;
        synchronized (this) {
            replaced = byNodeId.get(r.nodeId());
            boolean owner = replaced == null || (replaced.pubkey() != null ? sameKey(replaced, link) : replaced.ip().equals(link.ip()));
            if (!owner) {
                throw new WireException(WireException.POLICY, "node_id already registered");
            }
            if (link.pubkey() != null && link.backend().isNodeAgent()) {
                // A key is one owner, wherever it connects from: the per-address cap applies to it too.
                int ofKey = directory.ofKey(link.pubkey()) - (replaced != null && sameKey(replaced, link) ? 1 : 0);
                if (ofKey >= maxNodesPerIp) throw new WireException(WireException.POLICY, "too many nodes for this key");
                link.standing(keyed);
            } else if (link.backend().isNodeAgent() && replaced != link) {
                link.standing(standings.fresh(null)); // an anonymous node: its own standing, for this connection
            }
            int fromIp = !link.backend().isNodeAgent() ? 0
                    : directory.agentsFrom(link.ip()) - (replaced != null && Directory.agentFrom(replaced, link.ip()) ? 1 : 0);
            if (fromIp >= maxNodesPerIp) throw new WireException(WireException.POLICY, "too many nodes from this IP");
            link.registered(r);
            byNodeId.put(r.nodeId(), link);
            if (replaced != null) directory.remove(replaced);
            directory.add(link);
        }
        return replaced;
    }

    private static boolean sameKey(NodeLink a, NodeLink b) {
        return a.pubkey() != null && a.pubkey().equals(b.pubkey());
    }

    /** Forgets {@code link} if it is registered; a replaced link's late cleanup changes nothing. */
    public void remove(NodeLink link) {
        synchronized (this) {
            if (!directory.remove(link)) return;
            byNodeId.remove(link.nodeId(), link);
        }
        List<String> scopes = scopes(link);
        if (!scopes.isEmpty()) leases.release(link.nodeId(), scopes);
        log.info("removed {}", link);
        onChange.run();
    }

    /** Registered links in registration order (an immutable snapshot). */
    public List<NodeLink> registered() {
        List<NodeLink> s = directory.registeredSnapshot();
        if (s != null) return s;
        synchronized (this) {
            return directory.registered();
        }
    }

    /** How many links are registered, without building a snapshot. */
    public int count() {
        return directory.count();
    }

    /** Links that list {@code model} (exact name), in registration order (an immutable snapshot). */
    public List<NodeLink> serving(String model) {
        List<NodeLink> s = directory.servingSnapshot(model);
        if (s != null) return s;
        synchronized (this) {
            return directory.serving(model);
        }
    }

    public long registeredTotal() {
        return registeredTotal.get();
    }
}

package dev.idleclaw.link;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.peer.Capacity;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeerDirectory;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.PeerTransport;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import dev.idleclaw.wire.WireException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the scheduler's view of peers current: every healthy peer with a fresh capacity is registered as a backend
 * (a {@link NodeLink} over {@link PeerTransport}) serving exactly the models it reports; a peer that turns unhealthy,
 * changes its models or leaves the peers file is taken out. So routing, waiting and failover treat local nodes and
 * peers alike, and model lists only ever show what a healthy backend serves.
 */
public final class PeerBackends {
    private static final Logger log = LoggerFactory.getLogger(PeerBackends.class);
    /** A peer claims at most this many parallel requests, like a node (and Lobstah's default concurrency is 1). */
    static final int MAX_PEER_CONCURRENCY = 10;

    private final PeerDirectory directory;
    private final NodeRegistry registry;
    private final Identity hub;
    private final HttpClient http;
    private final Map<String, NodeLink> links = new HashMap<>();

    public PeerBackends(PeerDirectory directory, NodeRegistry registry, Identity hub, HttpClient http) {
        this.directory = directory;
        this.registry = registry;
        this.hub = hub;
        this.http = http;
    }

    /** Re-reads the peers and their (cached) capacity; runs on one timer thread. */
    public synchronized void refresh() {
        var seen = new HashSet<String>();
        for (Peer p : directory.peers()) {
            if (p.pubkey().equals(hub.publicKey())) continue; // never our own announcement
            seen.add(p.pubkey());
            var capacity = directory.healthy(p) ? directory.capacity(p) : java.util.Optional.<Capacity>empty();
            NodeLink current = links.get(p.pubkey());
            if (current != null && current.isClosed()) {
                // Closed from elsewhere (shutdown of a request path, a send failure): replace it while the peer is healthy.
                drop(p.pubkey(), "link closed");
                current = null;
            }
            if (capacity.isEmpty() || !directory.healthy(p)) {
                if (current != null) drop(p.pubkey(), "unhealthy");
                continue;
            }
            List<String> models = capacity.get().models();
            if (current != null && current.models().stream().map(ModelInfo::name).toList().equals(models)) continue;
            if (current != null) drop(p.pubkey(), "models changed");
            if (!models.isEmpty()) add(p, capacity.get());
        }
        for (String key : List.copyOf(links.keySet())) if (!seen.contains(key)) drop(key, "left the peers file");
    }

    /**
     * A peer checks requests against its own nodes and answers a clear 4xx that reaches the consumer (as
     * {@code RelayStream.Refused}), so the hub holds it only to the agent-sized limits its own nodes have.
     */
    private static final NodeLimits PEER_LIMITS = NodeLimits.AGENT;

    private void add(Peer p, Capacity c) {
        var link = new NodeLink(new PeerTransport(p, directory, hub, http), URI.create(p.url()).getHost());
        var register = new NodeMessage.Register("peer-" + p.pubkey().substring(4, 20),
                c.models().stream().map(m -> ModelInfo.of(m, 0)).toList(),
                Math.clamp(c.concurrency(), 1, MAX_PEER_CONCURRENCY), "peer", null, List.of(), PEER_LIMITS);
        try {
            registry.register(link, register);
            links.put(p.pubkey(), link);
            log.info("peer {} ({}) serves {}", p.label() == null ? p.pubkey() : p.label(), p.url(), c.models());
        } catch (WireException e) {
            log.warn("peer {} not added: {}", p.pubkey(), e.reason());
        }
    }

    private void drop(String pubkey, String why) {
        NodeLink link = links.remove(pubkey);
        if (link == null) return;
        log.info("peer {} removed: {}", pubkey, why);
        registry.remove(link);
        link.disconnected();
    }

    /** Every peer backend, for shutdown. */
    public synchronized void closeAll() {
        for (String key : List.copyOf(links.keySet())) drop(key, "shutting down");
    }
}

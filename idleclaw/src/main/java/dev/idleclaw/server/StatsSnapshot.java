package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.peer.PeerDirectory;
import dev.idleclaw.registry.Capabilities;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.Traffic;
import dev.idleclaw.wire.ModelInfo;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public state of the network at one tick, from what the hub already keeps (its registry, scheduler, traffic
 * totals, peers and ledger totals). Nothing private: no node addresses or ids, no keys, no balances; a peer shows
 * only its label, host and health, which {@code /peers} already publishes in full.
 */
final class StatsSnapshot {
    private static final Logger log = LoggerFactory.getLogger(StatsSnapshot.class);

    /** What the snapshot reads; {@code peers} gives null when the hub has no peers file. */
    record Sources(NodeRegistry registry, Scheduler scheduler, Supplier<PeerDirectory> peers, Ledger ledger,
                   Supplier<Long> uptimeSeconds, Supplier<Integer> inFlight) {}

    private final Sources sources;

    StatsSnapshot(Sources sources) {
        this.sources = sources;
    }

    /** The counts a history point needs: node agents online and requests in flight and waiting. */
    record Load(int nodes, int inFlight, int waiting) {}

    Load load() {
        int nodes = 0;
        for (NodeLink l : sources.registry().registered()) if (l.backend().isNodeAgent()) nodes++;
        return new Load(nodes, sources.inFlight().get(), sources.scheduler().waiting());
    }

    /**
     * The state now: {@code load}, models, slots, the last point's rates, requests by door and outcome over
     * {@code window} (totals now minus the oldest kept), peers and ledger totals.
     */
    ObjectNode now(long timeMillis, Load load, StatsHistory.Point point, Traffic.Totals total, Traffic.Totals windowStart,
                   long windowSeconds, long requestsTotal) {
        var o = Json.object().put("time", timeMillis).put("uptime_seconds", sources.uptimeSeconds().get());
        int routable = 0, slots = 0, free = 0;
        Map<String, ObjectNode> models = new TreeMap<>();
        var scheduler = sources.scheduler();
        for (NodeLink l : sources.registry().registered()) {
            if (!scheduler.routable(l)) continue;
            routable++;
            int max = l.registration().maxConcurrent(), open = Math.max(0, max - l.activeRequests());
            slots += max;
            free += open;
            for (ModelInfo m : l.models()) {
                var entry = models.computeIfAbsent(m.name(), n -> Json.object().put("name", n).put("node_count", 0)
                        .put("free_slots", 0).put("thinking", thinking(m)).put("tools", tools(m)));
                entry.put("node_count", entry.get("node_count").asInt() + 1).put("free_slots", entry.get("free_slots").asInt() + open);
            }
        }
        o.putObject("nodes").put("online", load.nodes()).put("routable", routable).put("slots", slots).put("free_slots", free);
        var list = o.putArray("models");
        models.values().stream().sorted((a, b) -> b.get("node_count").asInt() - a.get("node_count").asInt()).forEach(list::add);
        var requests = o.putObject("requests").put("in_flight", load.inFlight()).put("waiting", load.waiting())
                .put("total", requestsTotal).put("tokens_relayed", total.tokens()).put("window_seconds", windowSeconds);
        var byDoor = requests.putObject("by_door");
        total.requests().forEach((k, v) -> {
            long n = v - windowStart.requests().getOrDefault(k, 0L);
            if (n <= 0) return;
            int slash = k.indexOf('/');
            ObjectNode door = byDoor.has(k.substring(0, slash)) ? (ObjectNode) byDoor.get(k.substring(0, slash))
                    : byDoor.putObject(k.substring(0, slash));
            door.put(k.substring(slash + 1), n);
        });
        o.put("tokens_per_second", point.json().get("tokens_per_second").asDouble());
        var ttft = o.putObject("ttft_ms").put("window_seconds", StatsFeed.TTFT_WINDOW.toSeconds());
        if (point.ttftP50Ms() < 0) ttft.putNull("p50").putNull("p99");
        else ttft.put("p50", point.ttftP50Ms()).put("p99", point.ttftP99Ms());
        peers(o);
        ledger(o);
        return o;
    }

    /** {@code peers}: label, host and health of each peer, only when the hub has a peers file. */
    private void peers(ObjectNode o) {
        PeerDirectory dir = sources.peers().get();
        if (dir == null) return;
        var arr = o.putArray("peers");
        for (var p : dir.peers()) {
            String host;
            try {
                host = URI.create(p.url()).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
            int served = 0;
            for (NodeLink l : sources.registry().registered()) {
                if (!l.backend().isNodeAgent() && p.pubkey().equals(l.pubkey())) served = l.models().size();
            }
            var e = arr.addObject().put("label", p.label() == null ? "" : p.label()).put("host", host)
                    .put("healthy", dir.healthy(p)).put("models", served);
            if (host == null) e.putNull("host");
        }
    }

    /**
     * {@code ledger}: receipts recorded and tokens credited network-wide (the sums the ledger keeps; an anonymous
     * answer is receipted but moves no credit), never an account.
     */
    private void ledger(ObjectNode o) {
        try {
            var t = sources.ledger().totals();
            o.putObject("ledger").put("receipts", t.receipts()).put("tokens_credited", t.earned());
        } catch (RuntimeException e) {
            log.debug("ledger totals unavailable: {}", e.toString());
        }
    }

    private static boolean thinking(ModelInfo m) {
        return m.capabilities() != null ? m.capabilities().contains("thinking") : Capabilities.thinkingByName(m.name());
    }

    private static boolean tools(ModelInfo m) {
        return m.capabilities() != null ? m.capabilities().contains("tools") : Capabilities.toolsByName(m.name());
    }
}

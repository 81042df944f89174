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
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.idleclaw.cluster.ClusterDirectory;
import dev.idleclaw.registry.RemoteNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
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
                   Supplier<Long> uptimeSeconds, Supplier<Integer> inFlight, ClusterDirectory cluster) {
        /** A hub on its own. */
        Sources(NodeRegistry registry, Scheduler scheduler, Supplier<PeerDirectory> peers, Ledger ledger,
                Supplier<Long> uptimeSeconds, Supplier<Integer> inFlight) {
            this(registry, scheduler, peers, ledger, uptimeSeconds, inFlight, null);
        }
    }

    /** Nodes listed per hub in the cluster panel: enough to see a hub's fleet, bounded for the page's size. */
    static final int MAX_LISTED_NODES = 200;

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
        cluster(o);
        return o;
    }

    /**
     * {@code cluster}, only in a cluster: every hub's routable nodes (this hub's live, the others' as their directory
     * entries were last read), counted in all and per hub, with the cluster's models. Hubs are named by position
     * ("this hub", "hub 2"…), never by key or address, and nodes by what they serve, never by id.
     */
    private void cluster(ObjectNode o) {
        ClusterDirectory cluster = sources.cluster();
        if (cluster == null) return;
        var c = o.putObject("cluster");
        var hubs = c.putArray("hubs");
        Map<String, int[]> models = new TreeMap<>();
        int[] total = new int[3];
        ObjectNode own = hubs.addObject().put("name", "this hub").put("self", true);
        var ownNodes = own.putArray("node_list");
        int[] mine = new int[3];
        for (NodeLink l : sources.registry().registered()) {
            if (!sources.scheduler().routable(l)) continue;
            int max = l.registration().maxConcurrent(), open = Math.max(0, max - l.activeRequests());
            node(ownNodes, l.models().stream().map(ModelInfo::name).toList(), open, max,
                    sources.scheduler().standing(l).state().label, mine, models);
        }
        counts(own, mine, total);
        Map<String, ArrayNode> byHub = new LinkedHashMap<>();
        Map<String, int[]> countsByHub = new LinkedHashMap<>();
        int n = 1;
        for (var m : cluster.members()) {
            ObjectNode h = hubs.addObject().put("name", "hub " + ++n).put("self", false);
            byHub.put(m.hub(), h.putArray("node_list"));
            countsByHub.put(m.hub(), new int[3]);
        }
        for (RemoteNode r : cluster.remote()) {
            ArrayNode list = byHub.get(r.hub());
            if (list == null) continue; // its hub's member entry expired first
            node(list, r.models().stream().map(ModelInfo::name).toList(), r.freeSlots(), r.maxSlots(), r.standing(),
                    countsByHub.get(r.hub()), models);
        }
        int i = 1;
        for (int[] counts : countsByHub.values()) counts((ObjectNode) hubs.get(i++), counts, total);
        c.put("nodes", total[0]).put("slots", total[1]).put("free_slots", total[2]);
        var list = c.putArray("models");
        models.entrySet().stream().sorted((a, b) -> b.getValue()[0] - a.getValue()[0]).forEach(e ->
                list.addObject().put("name", e.getKey()).put("node_count", e.getValue()[0]).put("free_slots", e.getValue()[1]));
    }

    /** Adds one node to a hub's list (up to {@link #MAX_LISTED_NODES}) and to the counts: {nodes, slots, free}. */
    private static void node(ArrayNode list, List<String> served, int free, int max, String standing, int[] counts,
                             Map<String, int[]> models) {
        counts[0]++;
        counts[1] += max;
        counts[2] += free;
        for (String m : served) {
            int[] mc = models.computeIfAbsent(m, k -> new int[2]);
            mc[0]++;
            mc[1] += free;
        }
        if (list.size() >= MAX_LISTED_NODES) return;
        var node = list.addObject().put("free_slots", free).put("max_slots", max).put("standing", standing);
        served.forEach(node.putArray("models")::add);
    }

    private static void counts(ObjectNode hub, int[] counts, int[] total) {
        hub.put("nodes", counts[0]).put("slots", counts[1]).put("free_slots", counts[2]);
        for (int i = 0; i < 3; i++) total[i] += counts[i];
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

package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.Capabilities;
import dev.idleclaw.registry.ClusterNodes;
import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.wire.ModelInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Read-only views of the network for {@code /health}, {@code /api/models}, {@code /metrics} and {@code /admin/nodes}. */
public final class HubInfo {
    private final NodeRegistry registry;
    private final Scheduler scheduler;
    private final HubStats stats;
    private final Instant startedAt = Instant.now();
    /** The server-side tools the hub offers (none without a search URL). */
    private final List<String> tools;
    /** The other hubs' nodes when this hub is in a cluster ({@link ClusterNodes#NONE} otherwise). */
    private final ClusterNodes cluster;

    HubInfo(NodeRegistry registry, Scheduler scheduler, HubStats stats, List<String> tools, ClusterNodes cluster) {
        this.cluster = cluster;
        this.registry = registry;
        this.scheduler = scheduler;
        this.stats = stats;
        this.tools = List.copyOf(tools);
    }

    public long uptimeSeconds() {
        return Duration.between(startedAt, Instant.now()).toSeconds();
    }

    /**
     * {@code node_count} counts only nodes that would take a request ({@link Scheduler#routable}), the other cluster
     * hubs' included. A hub that runs
     * server-side tools adds {@code tools} (their names) after the original's fields, so a page knows to offer them;
     * without tools the answer is exactly the original's.
     */
    public ObjectNode health() {
        ObjectNode out = Json.object().put("status", "healthy").put("uptime_seconds", uptimeSeconds())
                .put("node_count", routable().size() + cluster.remote().size());
        if (!tools.isEmpty()) tools.forEach(out.putArray("tools")::add);
        return out;
    }

    /**
     * Distinct models of routable nodes, the other cluster hubs' included, largest first (size from the first node that
     * registered the name, this hub's own first), with capabilities.
     */
    public ObjectNode models() {
        Map<String, ModelInfo> first = firstSeen();
        for (RemoteNode n : cluster.remote()) for (ModelInfo m : n.models()) first.putIfAbsent(m.name(), m);
        List<ModelInfo> sorted = new ArrayList<>(first.values());
        sorted.sort(Comparator.comparingLong(ModelInfo::size).reversed());
        ObjectNode out = Json.object();
        var names = out.putArray("models");
        var caps = out.putObject("capabilities");
        for (ModelInfo m : sorted) {
            names.add(m.name());
            caps.putObject(m.name()).put("thinking", thinking(m)).put("tool_calls", tools(m));
        }
        return out;
    }

    public ObjectNode metrics() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (NodeLink l : routable()) for (ModelInfo m : l.models()) counts.merge(m.name(), 1, Integer::sum);
        var entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        ObjectNode out = Json.object().put("nodes_connected", registry.registered().size())
                .put("nodes_registered_total", stats.nodesRegisteredTotal()).put("requests_total", stats.requestsTotal())
                .put("requests_active", stats.active()).put("requests_errors_total", stats.errorsTotal());
        var models = out.putArray("models_available");
        for (var e : entries) models.addObject().put("name", e.getKey()).put("node_count", e.getValue());
        return out.put("uptime_seconds", uptimeSeconds());
    }

    /**
     * {@code GET /capacity} in the Lobstah worker's shape, so that other hubs and routers can use this hub as a
     * peer: the models its nodes (and healthy peers) serve, its free slots as {@code concurrency}, and the requests
     * waiting as {@code queueDepth}.
     */
    public ObjectNode capacity(String pubkey) {
        ObjectNode o = Json.object().put("pubkey", pubkey);
        var models = o.putArray("models");
        firstSeen().keySet().forEach(models::add);
        int slots = 0;
        for (NodeLink l : routable()) slots += Math.max(0, l.registration().maxConcurrent() - l.activeRequests());
        o.put("tier", "best-effort").put("concurrency", Math.max(1, slots)).put("queueDepth", 0);
        o.putObject("jobCounts").put("queued", 0).put("running", stats.active()).put("done", 0).put("error", 0);
        return o;
    }

    /**
     * The operator's node list: every registered backend with its masked address, key (or anonymous), models, load,
     * reputation, standing (docs/trust.md), probe results, suspicion flags (docs/trust.md), uptime and what it has served. Never a full address.
     */
    public ObjectNode adminNodes() {
        ObjectNode out = Json.object();
        var nodes = out.putArray("nodes");
        for (NodeLink l : registry.registered()) {
            var n = nodes.addObject().put("node_id", l.nodeId()).put("label", l.label()).put("ip", l.maskedIp())
                    .put("kind", l.backend().isNodeAgent() ? "node" : "peer");
            var models = n.putArray("models");
            l.models().forEach(m -> models.add(m.name()));
            var s = l.served();
            n.put("connected_seconds", Duration.between(l.connectedAt(), Instant.now()).toSeconds())
                    .put("active_requests", l.activeRequests())
                    .put("max_concurrent", l.registration().maxConcurrent())
                    .put("available", scheduler.routable(l))
                    .put("reputation", Math.round(scheduler.reputation(l) * 100) / 100.0)
                    .put("standing", scheduler.standing(l).state().label)
                    .put("checks_passed", scheduler.standing(l).checksPassed())
                    .put("ollama_version", l.registration().ollamaVersion())
                    .put("answers", s.answers()).put("tokens_served", s.tokens()).put("chars_received", s.charsReceived());
            var probes = n.putObject("probes").put("passed", s.probesPassed()).put("failed", s.probesFailed());
            if (s.lastProbeAt() == 0) probes.putNull("last_at").putNull("last_passed");
            else probes.put("last_at", s.lastProbeAt()).put("last_passed", s.lastProbePassed());
            var flags = n.putArray("flags");
            for (var f : l.suspicion().flags()) {
                flags.addObject().put("reason", f.reason().label).put("detail", f.detail()).put("at", f.atMillis());
            }
            if (l.pubkey() != null) n.put("pubkey", l.pubkey()).put("anonymous", false);
            else n.putNull("pubkey").put("anonymous", true);
        }
        return out;
    }

    private List<NodeLink> routable() {
        return registry.registered().stream().filter(scheduler::routable).toList();
    }

    private Map<String, ModelInfo> firstSeen() {
        Map<String, ModelInfo> first = new LinkedHashMap<>();
        for (NodeLink l : routable()) for (ModelInfo m : l.models()) first.putIfAbsent(m.name(), m);
        return first;
    }

    private static boolean thinking(ModelInfo m) {
        return m.capabilities() != null ? m.capabilities().contains("thinking") : Capabilities.thinkingByName(m.name());
    }

    private static boolean tools(ModelInfo m) {
        return m.capabilities() != null ? m.capabilities().contains("tools") : Capabilities.toolsByName(m.name());
    }
}

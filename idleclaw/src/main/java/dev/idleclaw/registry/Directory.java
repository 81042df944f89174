package dev.idleclaw.registry;

import dev.idleclaw.wire.ModelInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link NodeRegistry}'s indexes, kept up to date one link at a time: registered links in registration order,
 * the links listing each model, node agents per address and links per key. Adding or removing a link costs in
 * proportion to the models it lists, not to the fleet. The immutable lists readers get are built on the first read
 * after a change and reused until the next one, so a storm of registrations with no reader in between copies
 * nothing, and a request only pays for a copy when its own model's list changed.
 * <p>
 * Changes and snapshot building happen under the registry's lock; the {@code *Snapshot} reads need none.
 */
final class Directory {
    private final LinkedHashSet<NodeLink> links = new LinkedHashSet<>();
    /** Per model, the links listing it with how many times each lists it (a repeated name counts each time). */
    private final Map<String, LinkedHashMap<NodeLink, Integer>> byModel = new HashMap<>();
    private final Map<String, Integer> agentsByIp = new HashMap<>();
    private final Map<String, Integer> byKey = new HashMap<>();
    private volatile int count;
    /** The registered list as last built, or null when a change made it stale. */
    private volatile List<NodeLink> registered = List.of();
    /** Per model, its list as last built; a change drops the entries of the models it touched. Never holds an empty list. */
    private final ConcurrentHashMap<String, List<NodeLink>> serving = new ConcurrentHashMap<>();

    /** Whether {@code l} counts as a node agent connected from {@code ip} for the per-address cap. */
    static boolean agentFrom(NodeLink l, String ip) {
        return l.backend().isNodeAgent() && l.ip().equals(ip);
    }

    void add(NodeLink link) {
        if (!links.add(link)) return;
        count = links.size();
        if (link.backend().isNodeAgent()) agentsByIp.merge(link.ip(), 1, Integer::sum);
        if (link.pubkey() != null) byKey.merge(link.pubkey(), 1, Integer::sum);
        for (ModelInfo m : link.models()) {
            byModel.computeIfAbsent(m.name(), k -> new LinkedHashMap<>()).merge(link, 1, Integer::sum);
            serving.remove(m.name());
        }
        registered = null;
    }

    /** Removes {@code link}; false when it was not here. */
    boolean remove(NodeLink link) {
        if (!links.remove(link)) return false;
        count = links.size();
        if (link.backend().isNodeAgent()) decrement(agentsByIp, link.ip());
        if (link.pubkey() != null) decrement(byKey, link.pubkey());
        for (ModelInfo m : link.models()) {
            var listing = byModel.get(m.name());
            if (listing != null && listing.remove(link) != null && listing.isEmpty()) byModel.remove(m.name());
            serving.remove(m.name());
        }
        registered = null;
        return true;
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Registered node agents connected from {@code ip}. */
    int agentsFrom(String ip) {
        return agentsByIp.getOrDefault(ip, 0);
    }

    /** Registered links (node agents and peers) proving {@code key}. */
    int ofKey(String key) {
        return byKey.getOrDefault(key, 0);
    }

    int count() {
        return count;
    }

    /** The current registered list if no change has made it stale, else null (then call {@link #registered}). */
    List<NodeLink> registeredSnapshot() {
        return registered;
    }

    List<NodeLink> registered() {
        List<NodeLink> s = registered;
        if (s == null) registered = s = List.copyOf(links);
        return s;
    }

    /** The current list for {@code model} if it has been built since its last change, else null. */
    List<NodeLink> servingSnapshot(String model) {
        return serving.get(model);
    }

    List<NodeLink> serving(String model) {
        List<NodeLink> s = serving.get(model);
        if (s != null) return s;
        var listing = byModel.get(model);
        if (listing == null) return List.of(); // not cached: names nobody serves must not fill memory
        var out = new ArrayList<NodeLink>(listing.size());
        listing.forEach((l, times) -> {
            for (int i = 0; i < times; i++) out.add(l);
        });
        s = List.copyOf(out);
        serving.put(model, s);
        return s;
    }
}

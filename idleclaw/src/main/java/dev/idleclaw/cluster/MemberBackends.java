package dev.idleclaw.cluster;

import dev.idleclaw.registry.MemberLinks;
import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeMessage;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the directory's last read into the scheduler's member backends, on each refresh: every other live member
 * whose entry lists routable nodes serves exactly those nodes' models, with the free slots they advertise (summed),
 * and embeddings of exactly the models its nodes advertising {@code embed} hold; a member gone from the directory
 * (its entries expired, or Redis unreachable) is removed.
 */
final class MemberBackends {
    private final ClusterDirectory directory;
    private final MemberLinks links;

    MemberBackends(ClusterDirectory directory, MemberLinks links) {
        this.directory = directory;
        this.links = links;
    }

    /** Called after each directory tick, on its thread. */
    void refresh() {
        links.update(offers(directory.members(), directory.remote()));
    }

    /** One offer per member with nodes: their models (each name once) and their free slots. */
    static List<MemberLinks.Offer> offers(List<Member> members, List<RemoteNode> nodes) {
        Map<String, List<RemoteNode>> byHub = new HashMap<>();
        for (RemoteNode n : nodes) byHub.computeIfAbsent(n.hub(), k -> new ArrayList<>()).add(n);
        List<MemberLinks.Offer> out = new ArrayList<>();
        for (Member m : members) {
            List<RemoteNode> held = byHub.get(m.hub());
            URI url = url(m.clusterUrl());
            if (held == null || url == null) continue;
            Map<String, ModelInfo> models = new LinkedHashMap<>();
            Set<String> embeds = new HashSet<>();
            int free = 0;
            for (RemoteNode n : held) {
                free += Math.max(0, n.freeSlots());
                boolean embedder = n.features().contains(NodeMessage.Register.EMBED);
                for (ModelInfo info : n.models()) {
                    models.putIfAbsent(info.name(), info);
                    if (embedder) embeds.add(info.name());
                }
            }
            out.add(new MemberLinks.Offer(m.hub(), url, List.copyOf(models.values()), free, embeds));
        }
        return out;
    }

    /** A member's address, or null when it wrote one that is no http(s) URL (it is then not forwarded to). */
    private static URI url(String text) {
        try {
            URI u = new URI(text);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null ? u : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}

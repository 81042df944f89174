package dev.idleclaw.cluster;

import dev.idleclaw.registry.NodeLeases;
import java.util.List;

/**
 * The per-address (and per-key) node cap of a hub in a cluster: one lease per registered node agent in
 * {@code <prefix>nodecap:address:<ip>} (and {@code <prefix>nodecap:key:<pubkey>}), so the cap counts the nodes on
 * every hub. The registry still counts this hub's own. While Redis is unreachable the cluster's count is skipped (the
 * hub's own cap still holds) and the lease is put in Redis by the next refresh once it is back.
 */
final class SharedNodeCaps implements NodeLeases {
    private final ClusterStore store;
    private final ClusterKeys keys;
    private final Leases leases;
    /** This hub process's part of every member it writes: a node's lease is {@code <holder>/<node id>}. */
    private final String holder;

    SharedNodeCaps(ClusterStore store, ClusterKeys keys, Leases leases, String holder) {
        this.store = store;
        this.keys = keys;
        this.leases = leases;
        this.holder = holder;
    }

    @Override
    public Taken take(String nodeId, List<String> scopes, int max) {
        List<String> sets = sets(scopes);
        String member = holder + "/" + nodeId;
        var redis = store.text();
        if (redis != null) {
            try {
                var took = leases.take(redis, sets, member, max);
                if (took.full() != null) return new Taken(List.of(), scopes.get(sets.indexOf(took.full())));
                return new Taken(scopes(took.newly(), scopes, sets), null);
            } catch (RuntimeException e) {
                store.failed(e);
            }
        }
        return new Taken(scopes(leases.hold(sets, member), scopes, sets), null);
    }

    @Override
    public void release(String nodeId, List<String> scopes) {
        if (scopes.isEmpty()) return;
        leases.release(store.text(), sets(scopes), holder + "/" + nodeId);
    }

    private List<String> sets(List<String> scopes) {
        return scopes.stream().map(keys::nodeCap).toList();
    }

    /** The scopes of {@code newly} (a subset of {@code sets}, which are {@code scopes}' keys in order). */
    private static List<String> scopes(List<String> newly, List<String> scopes, List<String> sets) {
        return scopes.stream().filter(s -> newly.contains(sets.get(scopes.indexOf(s)))).toList();
    }
}

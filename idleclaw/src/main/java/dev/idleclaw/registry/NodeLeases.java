package dev.idleclaw.registry;

import java.util.List;

/**
 * The cluster-wide part of the per-address (and per-key) node cap: one lease per registered node agent in each scope
 * it counts against, held by the hub the node is connected to. {@link #NONE} for a hub on its own, whose
 * {@link NodeRegistry} counts only its own nodes; a cluster's leases live in its shared store with a TTL, so a crashed
 * hub's nodes stop counting by themselves.
 */
public interface NodeLeases {
    /** A hub on its own: nothing beyond its own count. */
    NodeLeases NONE = new NodeLeases() {
        @Override
        public Taken take(String nodeId, List<String> scopes, int max) {
            return new Taken(List.of(), null);
        }

        @Override
        public void release(String nodeId, List<String> scopes) {}
    };

    /**
     * What {@link #take} did: the scopes it newly counted this node in (to give back when the registration fails after
     * all), or the scope that is full across the cluster.
     */
    record Taken(List<String> newly, String full) {
        public boolean granted() {
            return full == null;
        }
    }

    /** The scope of the nodes from one address. */
    static String address(String ip) {
        return "address:" + ip;
    }

    /** The scope of the nodes proving one key. */
    static String key(String pubkey) {
        return "key:" + pubkey;
    }

    /**
     * Counts node {@code nodeId} in each of {@code scopes}, unless one already holds {@code max} other nodes; a node
     * counted there already (it re-registers) keeps its lease. Never throws: an unreachable store grants.
     */
    Taken take(String nodeId, List<String> scopes, int max);

    /** Gives back {@code nodeId}'s leases in {@code scopes}; never waits on the store. */
    void release(String nodeId, List<String> scopes);
}

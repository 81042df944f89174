package dev.idleclaw.registry;

import java.util.List;

/**
 * The nodes the other hubs of the cluster hold, as last read from the shared store: a cached list, so reading it costs
 * no network call. A hub on its own has {@link #NONE}.
 */
@FunctionalInterface
public interface ClusterNodes {
    /** A hub without a cluster: no other hubs' nodes. */
    ClusterNodes NONE = List::of;

    /** The other hubs' routable nodes; never this hub's own, which come from its live registry. */
    List<RemoteNode> remote();
}

package dev.idleclaw.registry;

import dev.idleclaw.wire.ModelInfo;
import java.util.List;
import java.util.Objects;

/**
 * A routable node held by another hub of the cluster, as that hub last published it: enough to list its models and
 * (later) to choose it, nothing to reach it with.
 *
 * @param hub        the key of the hub holding its link
 * @param nodeId     the node's id on that hub
 * @param freeSlots  requests it could take at once when published
 * @param reputation its reputation there, 0..1
 * @param standing   its standing's label there (docs/trust.md)
 * @param features   the optional request types it advertised (e.g. {@code embed}); none for an original node
 */
public record RemoteNode(String hub, String nodeId, String label, List<ModelInfo> models, int freeSlots, int maxSlots,
                         double reputation, String standing, List<String> features) {
    public RemoteNode {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(nodeId, "nodeId");
        models = List.copyOf(models);
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** A node that advertised no optional request types. */
    public RemoteNode(String hub, String nodeId, String label, List<ModelInfo> models, int freeSlots, int maxSlots,
                      double reputation, String standing) {
        this(hub, nodeId, label, models, freeSlots, maxSlots, reputation, standing, List.of());
    }
}

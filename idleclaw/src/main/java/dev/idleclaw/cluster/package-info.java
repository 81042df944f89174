/**
 * The hub as one member of a cluster sharing a Redis store: membership and the node directory (which hub holds which
 * routable node, with its models, slots and standing), each hub's entries under its own keys with a TTL, so a dead
 * hub's entries expire by themselves; and request forwarding between members ({@link dev.idleclaw.cluster.ClusterForwarding}):
 * the other members as scheduler backends of last resort, and the internal route their forwards arrive on. The
 * server wires it; it reads the registry and the scheduler, and hands the other hubs' nodes to the catalog through
 * {@link dev.idleclaw.registry.ClusterNodes}.
 */
package dev.idleclaw.cluster;

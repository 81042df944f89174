package dev.idleclaw.cluster;

/**
 * The cluster's key layout in Redis, every key under the cluster's prefix:
 * {@code <prefix>members} (a set of member hub keys), {@code <prefix>member:<hub>} (the member's self-description) and
 * {@code <prefix>nodes:<hub>} (its routable nodes). The last two carry the TTL; readers walk the set, never KEYS.
 * The shared admission state ({@link SharedAdmission}): {@code <prefix>rate:<kind>:<client>} (a Bucket4j bucket),
 * {@code <prefix>streams:<client>} and {@code <prefix>nodecap:<scope>} (sorted sets of leases, scored by expiry) and
 * {@code <prefix>bans} (a hash of the bans in force); every one of them expires when nothing refreshes it.
 */
record ClusterKeys(String prefix) {
    String members() {
        return prefix + "members";
    }

    String member(String hub) {
        return prefix + "member:" + hub;
    }

    String nodes(String hub) {
        return prefix + "nodes:" + hub;
    }

    String rate(String kind, String client) {
        return prefix + "rate:" + kind + ":" + client;
    }

    String streams(String client) {
        return prefix + "streams:" + client;
    }

    String nodeCap(String scope) {
        return prefix + "nodecap:" + scope;
    }

    String bans() {
        return prefix + "bans";
    }

    String hubOfMember(String key) {
        return key.substring((prefix + "member:").length());
    }

    String hubOfNodes(String key) {
        return key.substring((prefix + "nodes:").length());
    }
}

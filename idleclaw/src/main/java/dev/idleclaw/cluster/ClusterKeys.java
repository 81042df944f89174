package dev.idleclaw.cluster;

/**
 * The cluster's key layout in Redis, every key under the cluster's prefix:
 * {@code <prefix>members} (a set of member hub keys), {@code <prefix>member:<hub>} (the member's self-description) and
 * {@code <prefix>nodes:<hub>} (its routable nodes). The last two carry the TTL; readers walk the set, never KEYS.
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

    String hubOfMember(String key) {
        return key.substring((prefix + "member:").length());
    }

    String hubOfNodes(String key) {
        return key.substring((prefix + "nodes:").length());
    }
}

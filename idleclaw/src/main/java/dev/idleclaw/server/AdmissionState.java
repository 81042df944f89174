package dev.idleclaw.server;

import dev.idleclaw.admission.ChatGate;
import dev.idleclaw.admission.RateBudget;
import dev.idleclaw.admission.RateLimiter;
import dev.idleclaw.admission.StreamSlots;
import dev.idleclaw.cluster.ClusterStore;
import dev.idleclaw.cluster.SharedAdmission;
import dev.idleclaw.registry.BanList;
import dev.idleclaw.registry.Bans;
import dev.idleclaw.registry.NodeLeases;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;

/**
 * Where the hub's admission state lives: its own memory, or (with {@code --cluster}) the cluster's Redis
 * ({@link SharedAdmission}, which falls back to the same local state while Redis is unreachable).
 *
 * @param localRates this hub's own budgets (swept by the hub's timer; they decide alone without a cluster)
 * @param shared     the cluster's shared state, or null for a hub on its own
 */
record AdmissionState(RateLimiter localRates, RateBudget rates, StreamSlots streams, BanList bans, NodeLeases nodeLeases,
                      SharedAdmission shared) {

    /** {@code store}: the hub's link to the cluster's Redis, or null for a hub on its own. */
    static AdmissionState of(HubConfig config, ClusterStore store, String hubKey) {
        var limits = config.limits();
        var localRates = new RateLimiter(limits.chatRpm(), limits.wsRpm(), limits.defaultRpm());
        var localStreams = new ChatGate(limits.maxChatsPerIp());
        if (config.cluster() == null) return new AdmissionState(localRates, localRates, localStreams, new Bans(), NodeLeases.NONE, null);
        var shared = new SharedAdmission(config.cluster(), store, hubKey, limits, localRates, localStreams);
        return new AdmissionState(localRates, shared.rates(), shared.streams(), shared.bans(), shared.nodeLeases(), shared);
    }

    /** With a cluster: a ban made on another hub closes this hub's connections it covers, as it does on that hub. */
    void closeBanned(NodeRegistry registry) {
        if (shared == null) return;
        shared.onBanArrival(ban -> {
            for (NodeLink l : registry.registered()) {
                if (ban.kind() == Bans.Kind.KEY ? ban.target().equals(l.pubkey()) : ban.target().equals(l.ip())) {
                    l.close(1008, "banned by the hub's operator");
                }
            }
        });
    }
}

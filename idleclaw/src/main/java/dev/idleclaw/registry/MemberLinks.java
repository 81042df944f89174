package dev.idleclaw.registry;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other hubs of the cluster as scheduler backends, one {@link NodeLink} over a {@link MemberTransport} per member
 * whose directory entry lists routable nodes. Kept apart from the {@link NodeRegistry}: a member is no node of this
 * hub (listings count its nodes from the directory, and no check, cap or admin action applies to it); only the
 * {@link Scheduler} sees these links, as its last choice. {@link #update} is called on each directory refresh.
 */
public final class MemberLinks {
    private static final Logger log = LoggerFactory.getLogger(MemberLinks.class);
    /**
     * Parallel requests one member takes from this hub at most: its free slots are a fleet's (S9: 100 nodes × 10),
     * but a polluted directory entry must not claim unbounded capacity; the member queues what exceeds its slots.
     */
    public static final int MAX_MEMBER_CONCURRENCY = 4096;
    /** The member checks requests against its own nodes' limits and refuses with a 4xx that reaches the consumer. */
    private static final NodeLimits MEMBER_LIMITS = NodeLimits.AGENT;

    /**
     * What one member offers now, as its directory entry says.
     *
     * @param freeSlots   the free slots its routable nodes advertise, summed
     * @param embedModels the models among {@code models} that one of its nodes advertising embeddings holds
     */
    public record Offer(String hubKey, URI url, List<ModelInfo> models, int freeSlots, Set<String> embedModels) {
        public Offer {
            Objects.requireNonNull(hubKey, "hubKey");
            Objects.requireNonNull(url, "url");
            models = List.copyOf(models);
            embedModels = Set.copyOf(embedModels);
        }

        /** A member none of whose nodes serves embeddings. */
        public Offer(String hubKey, URI url, List<ModelInfo> models, int freeSlots) {
            this(hubKey, url, models, freeSlots, Set.of());
        }
    }

    private final Identity self;
    private final HttpClient http;
    private final Map<String, NodeLink> byHub = new HashMap<>();
    /**
     * Links of members gone from the directory (or moved) while requests were still on them: no longer chosen, they
     * stay open until their last lease is given back ({@link #idle}), so a Redis blip cuts no answer in flight.
     */
    private final Set<NodeLink> retiring = new HashSet<>();
    private volatile Map<String, List<NodeLink>> byModel = Map.of();
    private volatile Runnable onChange = () -> {};
    /** The scheduler's count of leases held on a link (0 until a scheduler is attached: nothing is leased then). */
    private volatile ToIntFunction<NodeLink> leases = l -> 0;
    /** Set by {@link #closeAll}: the links go because this hub stops, whatever the directory says. */
    private volatile boolean closing;

    public MemberLinks(Identity self, HttpClient http) {
        this.self = self;
        this.http = http;
    }

    /**
     * Attaches the scheduler (once): {@code onChange} hears that the links changed (to hand new capacity to waiters),
     * {@code leases} counts the leases held on a link. The scheduler calls {@link #idle} when a link's last goes.
     */
    void attach(Runnable onChange, ToIntFunction<NodeLink> leases) {
        this.onChange = onChange;
        this.leases = leases;
    }

    /** The member links serving {@code model} (an immutable snapshot); a retiring link is never among them. */
    List<NodeLink> serving(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    /** Every member link now (retiring ones excepted). */
    public synchronized List<NodeLink> links() {
        return List.copyOf(byHub.values());
    }

    /** The links of members gone from the directory that still finish requests in flight. */
    public synchronized List<NodeLink> retiring() {
        return List.copyOf(retiring);
    }

    /**
     * Makes the links match {@code offers}: a new member (or one at a new address) gets a link; a known one has its
     * models and slots replaced in place, so its requests in flight go on; one without routable nodes, or gone from
     * the directory, is no longer chosen at once, and its link retires: the requests in flight on it run to their end
     * (their own timeouts bound them), and the link closes with the last. A member back while its link retires gets
     * that link back (the same address) or a new one, so the scheduler sees one link per member.
     */
    public void update(List<Offer> offers) {
        List<NodeLink> dropped = new ArrayList<>();
        synchronized (this) {
            Map<String, Offer> wanted = new HashMap<>();
            for (Offer o : offers) if (!o.models().isEmpty() && !o.hubKey().equals(self.publicKey())) wanted.put(o.hubKey(), o);
            for (String hub : List.copyOf(byHub.keySet())) {
                NodeLink l = byHub.get(hub);
                Offer o = wanted.get(hub);
                boolean moved = o != null && !transport(l).url().equals(o.url());
                if (o == null || moved || l.isClosed() || closing) {
                    byHub.remove(hub);
                    if (l.isClosed() || closing) dropped.add(l);
                    else retiring.add(l);
                    log.info("cluster member {} removed{}: {}", short16(hub), retiring.contains(l) ? " (its requests in flight run on)" : "",
                            closing ? "this hub is shutting down"
                                    : o == null ? "no routable nodes, or gone from the directory" : moved ? "its address changed" : "link closed");
                }
            }
            for (Offer o : wanted.values()) {
                NodeLink l = byHub.get(o.hubKey());
                if (l == null) l = comeBack(o);
                if (l == null) {
                    l = new NodeLink(new MemberTransport(o.hubKey(), o.url(), self, http), o.url().getHost());
                    byHub.put(o.hubKey(), l);
                    log.info("cluster member {} ({}) serves {}", short16(o.hubKey()), o.url(), names(o.models()));
                } else if (!names(l.models()).equals(names(o.models()))) {
                    log.info("cluster member {} now serves {}", short16(o.hubKey()), names(o.models()));
                }
                // The member published its free slots with this hub's requests on it already taken: those stay ours.
                long allowance = (long) o.freeSlots() + l.activeRequests();
                transport(l).embedModels(o.embedModels());
                l.registered(new NodeMessage.Register("member-" + short16(o.hubKey()), o.models(),
                        (int) Math.clamp(allowance, 1, MAX_MEMBER_CONCURRENCY), "member", null,
                        o.embedModels().isEmpty() ? List.of() : List.of(NodeMessage.Register.EMBED), MEMBER_LIMITS));
            }
            Map<String, List<NodeLink>> index = new HashMap<>();
            for (NodeLink l : byHub.values()) {
                for (ModelInfo m : l.models()) index.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(l);
            }
            index.replaceAll((k, v) -> List.copyOf(v));
            byModel = Map.copyOf(index); // published before the lease counts below: no new lease lands on a retiring link
            for (var it = retiring.iterator(); it.hasNext(); ) {
                NodeLink l = it.next();
                if (closing || l.isClosed() || leases.applyAsInt(l) == 0) {
                    it.remove();
                    dropped.add(l);
                }
            }
        }
        for (NodeLink l : dropped) l.close(1001, "left the cluster directory");
        onChange.run();
    }

    /** The retiring link of the member {@code o} at its (unchanged) address, back in service; null when none. */
    private NodeLink comeBack(Offer o) {
        for (NodeLink l : retiring) {
            if (!l.isClosed() && l.pubkey().equals(o.hubKey()) && transport(l).url().equals(o.url())) {
                retiring.remove(l);
                byHub.put(o.hubKey(), l);
                log.info("cluster member {} ({}) is back and serves {}", short16(o.hubKey()), o.url(), names(o.models()));
                return l;
            }
        }
        return null;
    }

    /** The scheduler took the last lease off {@code link}: a retiring link closes now. */
    void idle(NodeLink link) {
        synchronized (this) {
            if (!retiring.remove(link)) return;
        }
        link.close(1001, "left the cluster directory");
    }

    /** Removes every member link, retiring ones too (shutdown); requests in flight on them end as from a vanished node. */
    public void closeAll() {
        closing = true;
        update(List.of());
    }

    private static MemberTransport transport(NodeLink l) {
        return (MemberTransport) l.backend();
    }

    private static List<String> names(List<ModelInfo> models) {
        return models.stream().map(ModelInfo::name).sorted().toList();
    }

    private static String short16(String key) {
        return key.substring(0, Math.min(16, key.length()));
    }
}

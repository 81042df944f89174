package dev.idleclaw.cluster;

import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.registry.ClusterNodes;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.registry.Scheduler;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This hub's membership and its part of the cluster's node directory, and its cached copy of the other hubs' parts.
 * Every {@link ClusterSettings#refresh()} one tick writes this hub's member entry and its routable nodes (each key with
 * the TTL, so a hub that dies vanishes by itself), then reads the other members and their nodes into the cache that
 * {@link #remote()} returns: a consumer request never waits on Redis. Key layout in {@link ClusterKeys}.
 * <p>
 * When Redis cannot be reached the hub goes on serving its own nodes and lists only them; the hub's {@link ClusterStore}
 * (shared with its admission state) logs one WARN line for the outage and one INFO line when it is back, and the first
 * tick after that republishes this hub's entries.
 */
public final class ClusterDirectory implements ClusterNodes, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDirectory.class);
    /** Other hubs read per tick: a cluster is a handful of hubs; this bounds what a polluted members set can cost. */
    static final int MAX_HUBS = 64;
    /** How long closing waits for a tick in progress (its commands time out well within it). */
    private static final long STOP_SECONDS = 5;

    private final ClusterSettings settings;
    private final Member self;
    private final NodeRegistry registry;
    private final Scheduler scheduler;
    private final ClusterKeys keys;
    private final ClusterStore store;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("cluster").daemon().factory());
    private volatile List<RemoteNode> remote = List.of();
    private volatile List<Member> members = List.of();
    /** Whether the last tick reached Redis. */
    private volatile boolean listed;
    /** Whether a tick has reached Redis yet (the first one logs that this hub joined). */
    private boolean joined;
    /** Set when the hub stops: a tick cut short by it is no outage worth a warning. */
    private volatile boolean stopping;
    /** Runs after every tick, on its thread (the member backends' refresh); never throws out of the tick. */
    private volatile Runnable onRefresh = () -> {};

    /** {@code store}: the hub's link to Redis, shared with its admission state (the hub closes it). */
    public ClusterDirectory(ClusterSettings settings, ClusterStore store, String hubKey, String version, NodeRegistry registry,
                            Scheduler scheduler) {
        this.settings = settings;
        this.self = new Member(hubKey, settings.url().toString(), System.currentTimeMillis(), version);
        this.registry = registry;
        this.scheduler = scheduler;
        this.keys = new ClusterKeys(settings.prefix());
        this.store = store;
    }

    /**
     * Starts the ticks (the first at once, in the background: the hub does not wait for Redis to start). When the
     * store goes down or comes back, whoever noticed (a request, the admission tick), one more tick runs at once: the
     * hub then lists its own nodes only, or republishes, without waiting for the next refresh.
     */
    public void start() {
        store.onChange(this::tickSoon);
        long every = settings.refresh().toMillis();
        timer.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public List<RemoteNode> remote() {
        return remote;
    }

    /** Runs {@code r} after every tick, whether it reached Redis or not (set once, before {@link #start}). */
    public void onRefresh(Runnable r) {
        onRefresh = r;
    }

    /** The other live members as last read (empty while Redis is unreachable). */
    public List<Member> members() {
        return members;
    }

    /** Whether the last tick reached Redis. */
    public boolean reachable() {
        return listed;
    }

    private void tickSoon() {
        if (stopping) return;
        try {
            timer.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // stopping meanwhile: no more ticks
        }
    }

    /** One refresh: publish this hub's entries, then read the others', then tell {@link #onRefresh}. Never throws. */
    void tick() {
        readStore();
        if (stopping) return;
        try {
            onRefresh.run();
        } catch (RuntimeException bug) {
            log.error("refreshing the cluster's member backends failed", bug);
        }
    }

    private void readStore() {
        var connection = store.connected();
        if (connection == null) {
            if (!stopping) fallBack();
            return;
        }
        try {
            RedisCommands<String, String> redis = connection.sync();
            int published = publish(redis);
            read(redis);
            if (!joined) {
                log.info("joined the cluster at {} as {} ({}), {} other hub(s)", store.where(), self.hub(), self.clusterUrl(),
                        members.size());
                joined = true;
            } else if (!listed) {
                // The store's own INFO line says Redis is back; this is the detail.
                log.debug("republished this hub's {} node(s), {} other hub(s) listed", published, members.size());
            }
            listed = true;
        } catch (RuntimeException e) {
            if (stopping) return;
            store.failed(e);
            fallBack();
        }
    }

    /** Redis is unreachable: list this hub's own nodes only (the store has said so once). */
    private void fallBack() {
        remote = List.of();
        members = List.of();
        listed = false;
    }

    private int publish(RedisCommands<String, String> redis) {
        List<RemoteNode> nodes = localNodes();
        long ttl = settings.ttl().toMillis();
        redis.set(keys.member(self.hub()), self.encode(), SetArgs.Builder.px(ttl));
        redis.set(keys.nodes(self.hub()), NodeEntries.encode(self.hub(), nodes), SetArgs.Builder.px(ttl));
        redis.sadd(keys.members(), self.hub());
        // The set lives while any member refreshes it, so an abandoned prefix leaves nothing behind.
        redis.pexpire(keys.members(), ttl);
        return nodes.size();
    }

    private void read(RedisCommands<String, String> redis) {
        List<String> others = redis.smembers(keys.members()).stream().filter(h -> !h.equals(self.hub())).sorted().limit(MAX_HUBS).toList();
        if (others.isEmpty()) {
            members = List.of();
            remote = List.of();
            return;
        }
        List<Member> live = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (KeyValue<String, String> kv : redis.mget(others.stream().map(keys::member).toArray(String[]::new))) {
            var m = kv.hasValue() ? Member.decode(kv.getValue()) : java.util.Optional.<Member>empty();
            if (m.isPresent()) live.add(m.get());
            else gone.add(keys.hubOfMember(kv.getKey()));
        }
        if (!gone.isEmpty()) redis.srem(keys.members(), gone.toArray(String[]::new));
        List<RemoteNode> nodes = new ArrayList<>();
        if (!live.isEmpty()) {
            for (KeyValue<String, String> kv : redis.mget(live.stream().map(m -> keys.nodes(m.hub())).toArray(String[]::new))) {
                if (!kv.hasValue()) continue;
                String hub = keys.hubOfNodes(kv.getKey());
                // A value is trusted only for the hub whose key it sits under.
                NodeEntries.decode(kv.getValue()).stream().filter(n -> n.hub().equals(hub)).forEach(nodes::add);
            }
        }
        members = List.copyOf(live);
        remote = List.copyOf(nodes);
    }

    /**
     * This hub's routable node agents, from its live registry: only they serve what the other members forward here
     * (never a peer, never another member), so only they are published.
     */
    private List<RemoteNode> localNodes() {
        List<RemoteNode> out = new ArrayList<>();
        for (NodeLink l : registry.registered()) {
            if (!l.backend().isNodeAgent() || !scheduler.routable(l)) continue;
            int max = l.registration().maxConcurrent();
            out.add(new RemoteNode(self.hub(), l.nodeId(), l.label(), l.models(), Math.max(0, max - l.activeRequests()), max,
                    scheduler.reputation(l), scheduler.standing(l).state().label, l.registration().features()));
        }
        return out;
    }

    /**
     * Stops refreshing and withdraws this hub's entries at once (a crashed hub's expire within the TTL instead). Leaves
     * the store open: the hub closes it.
     */
    @Override
    public void close() {
        stopTicks();
        var connection = store.text();
        if (connection == null) return;
        try {
            RedisCommands<String, String> redis = connection.sync();
            redis.del(keys.member(self.hub()), keys.nodes(self.hub()));
            redis.srem(keys.members(), self.hub());
        } catch (RuntimeException e) {
            log.debug("could not withdraw from the cluster store: {}", e.getMessage());
        }
    }

    /** Stops as a crash would: no withdrawal, the entries expire within the TTL. */
    public void abandon() {
        stopTicks();
    }

    private void stopTicks() {
        stopping = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

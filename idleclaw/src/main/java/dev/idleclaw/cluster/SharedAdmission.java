package dev.idleclaw.cluster;

import dev.idleclaw.admission.ChatGate;
import dev.idleclaw.admission.RateBudget;
import dev.idleclaw.admission.RateLimiter;
import dev.idleclaw.admission.StreamSlots;
import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.config.Limits;
import dev.idleclaw.registry.BanList;
import dev.idleclaw.registry.Bans;
import dev.idleclaw.registry.NodeLeases;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster hub's admission state in the cluster's Redis, so the limits hold across every hub: the request budgets
 * ({@link SharedRates}), the open-stream and node caps as leases with the cluster's TTL ({@link SharedStreams},
 * {@link SharedNodeCaps}) and the operator's bans ({@link SharedBans}). Each falls back to this hub's own state while
 * Redis is unreachable (the hub's {@link ClusterStore}, shared with its {@link ClusterDirectory}: a short timeout per
 * command, one WARN, one INFO when it is back), so a Redis outage never blocks or fails a request. One background tick every {@link #SYNC} probes Redis and re-reads the
 * bans; another every {@link ClusterSettings#refresh()} renews this hub's leases.
 */
public final class SharedAdmission implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedAdmission.class);
    /** How often bans are re-read (and Redis probed): a ban made on one hub holds on every hub within about this. */
    public static final Duration SYNC = Duration.ofSeconds(1);
    /** How long closing waits for a tick in progress (its commands time out well within it). */
    private static final long STOP_SECONDS = 5;

    private final ClusterSettings settings;
    private final ClusterStore store;
    private final Leases leases;
    private final SharedRates rates;
    private final SharedStreams streams;
    private final SharedNodeCaps nodeCaps;
    private final SharedBans bans;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("cluster-admission").daemon().factory());
    private boolean wasReachable;

    /**
     * {@code store}: the hub's link to Redis (the hub closes it); {@code localRates}, {@code localStreams}: this hub's
     * own, which decide while Redis is unreachable.
     */
    public SharedAdmission(ClusterSettings settings, ClusterStore store, String hubKey, Limits limits, RateLimiter localRates,
                           ChatGate localStreams) {
        this.settings = settings;
        this.store = store;
        var keys = new ClusterKeys(settings.prefix());
        // Each run of a hub writes its own members, so a restarted hub never mistakes its crashed run's leases for its own.
        String holder = hubKey + "/" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.leases = new Leases(settings.ttl());
        this.rates = new SharedRates(store, keys, localRates, limits.chatRpm(), limits.wsRpm(), limits.defaultRpm());
        this.streams = new SharedStreams(store, keys, leases, holder, limits.maxChatsPerIp(), localStreams);
        this.nodeCaps = new SharedNodeCaps(store, keys, leases, holder);
        this.bans = new SharedBans(store, keys, new Bans());
    }

    public RateBudget rates() {
        return rates;
    }

    public StreamSlots streams() {
        return streams;
    }

    public NodeLeases nodeLeases() {
        return nodeCaps;
    }

    public BanList bans() {
        return bans;
    }

    /** Told of each ban another hub made, as this hub first reads it. */
    public void onBanArrival(Consumer<Bans.Ban> arrivals) {
        bans.onArrival(arrivals);
    }

    /** Whether the last probe or command reached Redis (else admission is this hub's own). */
    public boolean reachable() {
        return store.reachable();
    }

    /** Whether the first probe has run: before it, admission is this hub's own. */
    public boolean probed() {
        return store.known();
    }

    /** Starts the ticks, the first at once in the background: the hub never waits for Redis to start. */
    public void start() {
        timer.scheduleWithFixedDelay(this::sync, 0, SYNC.toMillis(), TimeUnit.MILLISECONDS);
        long every = settings.refresh().toMillis();
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Probes Redis and re-reads the bans; once Redis is back, puts this hub's leases there again at once. Never throws. */
    private void sync() {
        boolean reachable = store.check();
        var redis = store.text();
        if (!reachable || redis == null) {
            wasReachable = false;
            return;
        }
        try {
            if (!wasReachable) leases.refresh(redis);
            wasReachable = true;
            bans.sync(redis.sync());
        } catch (RuntimeException e) {
            store.failed(e);
        }
    }

    /** Renews this hub's leases. Never throws. */
    private void renew() {
        var redis = store.text();
        if (redis == null) return;
        try {
            leases.refresh(redis);
        } catch (RuntimeException e) {
            store.failed(e);
        }
    }

    /**
     * Stops the ticks and gives back this hub's leases at once (a crashed hub's expire within the TTL instead). Leaves
     * the store open: the hub closes it.
     */
    @Override
    public void close() {
        stopTicks();
        var redis = store.text();
        if (redis != null) {
            try {
                leases.releaseAll(redis);
            } catch (RuntimeException e) {
                log.debug("could not give back this hub's leases: {}", e.getMessage());
            }
        }
    }

    /** Stops as a crash would: no leases given back, they expire within the TTL. */
    public void abandon() {
        stopTicks();
    }

    private void stopTicks() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

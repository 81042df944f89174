package dev.idleclaw.peer;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's view of its peers (lobstah-wire.md §8 "Peer health"): the peers file, re-read whenever it changes;
 * each peer's {@code /capacity}, cached for {@link #CAPACITY_TTL}; and each peer's health, which excludes a peer
 * after {@link #FAILURE_THRESHOLD} consecutive failures for {@link #COOLDOWN} after the last one (both durations
 * can be set per directory).
 *
 * <p>The URL check runs before every capacity fetch (DNS may have changed since the peer was added). The
 * {@link HttpClient} should not follow redirects, or a peer could redirect a fetch past that check. Unlike
 * upstream, {@link #models()} lists only healthy peers with fresh capacity (§12 #11), and a capacity signed for
 * another key is a failure. Thread-safe: health and capacity live in concurrent maps keyed by pubkey (pruned when
 * a key leaves the file); concurrent misses for one peer share one fetch, so one outage counts as one failure.
 */
public final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    /** How long a fetched capacity is trusted (upstream: 30 s from fetch time). */
    public static final Duration CAPACITY_TTL = Duration.ofSeconds(30);
    /** A worker that cannot say what it serves within this (upstream: 2 s) is failing. */
    public static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(2);
    /** Consecutive failures that exclude a peer (upstream: 2): one blip is forgiven, a pattern is not. */
    public static final int FAILURE_THRESHOLD = 2;
    /** How long an excluded peer sits out after its last failure before it is tried again (upstream: 30 s). */
    public static final Duration COOLDOWN = Duration.ofSeconds(30);
    /** A capacity body is a few hundred bytes; 1 MiB leaves room for thousands of model names and no more. */
    static final int MAX_CAPACITY_BYTES = 1 << 20;

    private record Health(int failures, long lastFailureAt) {}

    private record Cached(String url, Capacity capacity, long fetchedAt) {}

    /** What the file looked like when last read: a rename (our atomic write) changes the file key, an edit mtime. */
    private record Stamp(Object fileKey, long modifiedNanos, long size) {}

    private final Path file;
    private final UrlSafety urlSafety;
    private final HttpClient http;
    private final LongSupplier nowMillis;
    private final long capacityTtlMillis;
    private final long cooldownMillis;
    private final ConcurrentHashMap<String, Health> health = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> capacities = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Optional<Capacity>>> inflight = new ConcurrentHashMap<>();
    private final Object fileLock = new Object();
    private Stamp stamp;
    private List<Peer> filePeers = List.of();

    /** A directory with upstream's timing: capacity trusted for {@link #CAPACITY_TTL}, exclusion for {@link #COOLDOWN}. */
    public PeerDirectory(Path file, UrlSafety urlSafety, HttpClient http, LongSupplier nowMillis) {
        this(file, urlSafety, http, nowMillis, CAPACITY_TTL, COOLDOWN);
    }

    /**
     * A directory with its own capacity cache lifetime and exclusion cooldown (tests of failover and recovery
     * shorten both; production uses the constants).
     */
    public PeerDirectory(Path file, UrlSafety urlSafety, HttpClient http, LongSupplier nowMillis, Duration capacityTtl, Duration cooldown) {
        this.file = Objects.requireNonNull(file, "file");
        this.urlSafety = Objects.requireNonNull(urlSafety, "urlSafety");
        this.http = Objects.requireNonNull(http, "http");
        this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
        if (capacityTtl == null || capacityTtl.isNegative() || capacityTtl.isZero()) throw new IllegalArgumentException("capacity TTL must be positive");
        if (cooldown == null || cooldown.isNegative()) throw new IllegalArgumentException("cooldown must not be negative");
        this.capacityTtlMillis = capacityTtl.toMillis();
        this.cooldownMillis = cooldown.toMillis();
    }

    /**
     * The file's live entries in file order. The file is re-read when it changed since the last call (a missing
     * file is no peers); a file that no longer parses is logged and the previous entries are kept.
     */
    public List<Peer> peers() {
        long now = nowMillis.getAsLong();
        List<Peer> current;
        synchronized (fileLock) {
            Stamp seen = stamp(file);
            if (!Objects.equals(seen, stamp)) {
                stamp = seen;
                try {
                    filePeers = seen == null ? List.of() : PeersFile.read(file, now);
                    Set<String> keys = filePeers.stream().map(Peer::pubkey).collect(Collectors.toSet());
                    health.keySet().retainAll(keys);
                    capacities.keySet().retainAll(keys);
                } catch (PeersFileException e) {
                    log.warn("keeping the previous {} peer(s): {}", filePeers.size(), e.getMessage());
                }
            }
            current = filePeers;
        }
        return current.stream().filter(p -> !p.expired(now)).toList();
    }

    /**
     * The peer's capacity: the cached one while younger than {@link #CAPACITY_TTL} (and fetched from the same URL),
     * else {@code GET <url>/capacity} within {@link #CAPACITY_TIMEOUT}. An unsafe URL, a connection error, a
     * timeout, a non-2xx status, a body that is not a capacity, or a capacity for another key records a failure
     * and gives empty. A successful fetch does not reset the failure count; only {@link #recordSuccess} does.
     */
    public Optional<Capacity> capacity(Peer peer) {
        Optional<Capacity> cached = cached(peer);
        if (cached.isPresent()) return cached;
        var mine = new CompletableFuture<Optional<Capacity>>();
        var running = inflight.putIfAbsent(peer.pubkey(), mine);
        if (running != null) return running.join(); // one fetch, and so at most one failure, per miss
        try {
            Optional<Capacity> result = cached(peer).or(() -> refresh(peer));
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.complete(Optional.empty());
            throw e;
        } finally {
            inflight.remove(peer.pubkey(), mine);
        }
    }

    private Optional<Capacity> cached(Peer peer) {
        Cached c = capacities.get(peer.pubkey());
        boolean fresh = c != null && c.url().equals(peer.url()) && nowMillis.getAsLong() - c.fetchedAt() < capacityTtlMillis;
        return fresh ? Optional.of(c.capacity()) : Optional.empty();
    }

    private Optional<Capacity> refresh(Peer peer) {
        long now = nowMillis.getAsLong();
        try {
            Capacity fetched = fetch(peer);
            capacities.put(peer.pubkey(), new Cached(peer.url(), fetched, now));
            return Optional.of(fetched);
        } catch (IOException e) {
            capacities.remove(peer.pubkey());
            log.debug("capacity of {} at {}: {}", shortKey(peer), peer.url(), e.getMessage());
            recordFailure(peer);
            return Optional.empty();
        }
    }

    /** A successful exchange with the peer: its failure count goes back to zero. */
    public void recordSuccess(Peer peer) {
        health.remove(peer.pubkey());
    }

    /** A failed exchange with the peer (5xx, connection error, unusable capacity): counts toward exclusion. */
    public void recordFailure(Peer peer) {
        long now = nowMillis.getAsLong();
        health.merge(peer.pubkey(), new Health(1, now), (old, one) -> new Health(old.failures() + 1, now));
    }

    /**
     * False while the peer has {@link #FAILURE_THRESHOLD} or more consecutive failures and the last one is less
     * than {@link #COOLDOWN} ago. After the cooldown it is tried again; its count stays, so one more failure
     * excludes it again.
     */
    public boolean healthy(Peer peer) {
        Health h = health.get(peer.pubkey());
        if (h == null || h.failures() < FAILURE_THRESHOLD) return true;
        return nowMillis.getAsLong() - h.lastFailureAt() >= cooldownMillis;
    }

    /** Healthy peers whose fresh capacity lists {@code model} by exact string, in file order. */
    public List<Peer> serving(String model) {
        var out = new ArrayList<Peer>();
        for (var pc : healthyCapacities()) if (pc.capacity().models().contains(model)) out.add(pc.peer());
        return out;
    }

    /** The union of the models of healthy peers with fresh capacity (dead peers' models are never listed). */
    public Set<String> models() {
        var out = new LinkedHashSet<String>();
        for (var pc : healthyCapacities()) out.addAll(pc.capacity().models());
        return out;
    }

    private record PeerCapacity(Peer peer, Capacity capacity) {}

    /** Capacities of the healthy peers, fetched in parallel where stale, in file order; failures left out. */
    private List<PeerCapacity> healthyCapacities() {
        List<Peer> candidates = peers().stream().filter(this::healthy).toList();
        var out = new ArrayList<PeerCapacity>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var pending = new ArrayList<Future<Optional<Capacity>>>();
            for (Peer p : candidates) pending.add(pool.submit(() -> capacity(p)));
            for (int i = 0; i < candidates.size(); i++) {
                Optional<Capacity> cap = pending.get(i).get();
                // A fetch that just failed may have excluded the peer; a success leaves health as it was.
                if (cap.isPresent() && healthy(candidates.get(i))) out.add(new PeerCapacity(candidates.get(i), cap.get()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("capacity fetch failed unexpectedly", e.getCause());
        }
        return out;
    }

    private Capacity fetch(Peer peer) throws IOException {
        var verdict = urlSafety.check(peer.url());
        if (verdict instanceof UrlSafety.Verdict.Unsafe(String why)) {
            log.warn("skipping unsafe peer URL {}: {}", peer.url(), why);
            throw new IOException("unsafe URL: " + why);
        }
        URI uri;
        try {
            uri = URI.create(peer.endpoint("capacity"));
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + peer.url());
        }
        byte[] body = Http.get(http, uri, CAPACITY_TIMEOUT, MAX_CAPACITY_BYTES);
        Capacity cap;
        try {
            cap = Capacity.fromJson(Json.parse(body));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("bad capacity body: " + e.getMessage());
        }
        if (!cap.pubkey().equals(peer.pubkey())) throw new IOException("capacity is for another key " + cap.pubkey());
        return cap;
    }

    private static Stamp stamp(Path file) {
        try {
            var a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cannot stat peers file {}: {}", file, e.getMessage());
            return null;
        }
    }

    private static String shortKey(Peer p) {
        return p.pubkey().length() > 16 ? p.pubkey().substring(0, 16) : p.pubkey();
    }
}

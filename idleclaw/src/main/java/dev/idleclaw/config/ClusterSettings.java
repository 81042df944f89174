package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * The hub as one member of a cluster sharing a Redis store (docs/operations.md "Cluster"). A hub without
 * {@code --cluster} has no settings at all (null in its configuration) and never touches Redis.
 *
 * @param redis  the shared store, {@code redis://host:port[/db]} ({@code --cluster})
 * @param url    this hub's address as the other members reach it ({@code --cluster-url})
 * @param ttl    how long a member's entries, and its leases on open streams and node places, outlive its last refresh;
 *               refreshed every {@link #refresh()}
 * @param prefix every key this hub writes or reads starts with it, so clusters (and tests) can share one Redis
 *               ({@code --cluster-prefix})
 */
public record ClusterSettings(URI redis, URI url, Duration ttl, String prefix) {

    /** A dead hub's nodes leave the directory within this; long enough to survive two missed refreshes and a GC pause. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);
    /** Refreshes per TTL: an entry is rewritten three times before it would expire, so one slow tick never drops it. */
    public static final int REFRESHES_PER_TTL = 3;
    /**
     * The longest TTL: a crashed hub's entries, and its leases on its clients' open streams and its nodes' places,
     * outlive it this long at most.
     */
    public static final Duration MAX_TTL = Duration.ofMinutes(5);
    /** The key prefix of a cluster that sets none. */
    public static final String DEFAULT_PREFIX = "idleclaw:";

    public ClusterSettings {
        Objects.requireNonNull(redis, "--cluster");
        require("redis".equals(redis.getScheme()) || "rediss".equals(redis.getScheme()),
                "--cluster must be a redis://host:port[/db] URL, got '" + redis + "'");
        require(redis.getHost() != null, "--cluster names no host: '" + redis + "'");
        String path = redis.getPath() == null ? "" : redis.getPath();
        require(path.isEmpty() || path.equals("/") || path.matches("/\\d{1,2}"),
                "--cluster: the database after the port must be a number, got '" + path + "'");
        require(url != null, "--cluster-url is required with --cluster: this hub's address as the other hubs reach it");
        require(("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null,
                "--cluster-url must be an http:// or https:// URL with a host, got '" + url + "'");
        Objects.requireNonNull(ttl, "cluster TTL");
        require(ttl.toMillis() >= REFRESHES_PER_TTL * 100L, "the cluster TTL must be at least 300 ms, got " + ttl);
        require(ttl.compareTo(MAX_TTL) <= 0, "the cluster TTL must be at most " + MAX_TTL.toMinutes()
                + " minutes (a crashed hub's leases hold that long), got " + ttl);
        require(prefix != null && !prefix.isBlank() && prefix.length() <= 64, "--cluster-prefix must be 1 to 64 characters");
    }

    /**
     * The settings for the options as given: null when {@code --cluster} is absent (then {@code --cluster-url} must be
     * too), else validated settings.
     */
    public static ClusterSettings of(String redis, String url, Duration ttl, String prefix) {
        boolean noRedis = redis == null || redis.isBlank();
        boolean noUrl = url == null || url.isBlank();
        if (noRedis) {
            require(noUrl, "--cluster-url needs --cluster (the Redis store the hubs share)");
            return null;
        }
        return new ClusterSettings(uri("--cluster", redis.strip()), noUrl ? null : uri("--cluster-url", url.strip()), ttl, prefix);
    }

    /** How often this hub rewrites its entries and re-reads the others'. */
    public Duration refresh() {
        return ttl.dividedBy(REFRESHES_PER_TTL);
    }

    private static URI uri(String option, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: '" + text + "'");
        }
    }
}

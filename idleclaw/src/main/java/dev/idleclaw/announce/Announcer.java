package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.NostrKey;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker listed at a Lobstah tracker (lobstah-wire.md §5, §6): signs an announcement with only the fields it
 * sends, {@code POST}s it to {@code <tracker>/announce}, re-signs it with a fresh {@code announcedAt} every heartbeat
 * ({@code max(ttl/2, 30 s)} unless a test shortens it) and, on {@link #stop()}, sends a signed unannounce with a
 * bounded timeout. A refusal is logged with the tracker's reason; the next heartbeat simply tries again. With Nostr
 * relays ({@code --announce-nostr}) the same signed announcement also goes to every relay on the same heartbeat
 * ({@link NostrPublisher}), and {@link #stop()} deletes it there too.
 */
public final class Announcer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Announcer.class);
    /** Connecting to a tracker should take well under this. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** One announce or unannounce round trip. Shutdown waits at most this for the unannounce. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Upstream's worker label is {@code lobstah-worker}; ours says what runs it. */
    public static final String DEFAULT_LABEL = "idleclaw-worker";
    /** The label a hub ({@code idleclaw server --announce-to}) uses unless told otherwise. */
    public static final String HUB_LABEL = "idleclaw-hub";

    /**
     * Where and how to announce.
     *
     * @param tracker    the tracker's base URL (its {@code /announce} and {@code /unannounce} are appended); null
     *                   announces to Nostr relays only
     * @param url        the URL routers should call this worker at
     * @param label      optional label (null = omitted)
     * @param tier       optional tier (null = omitted, which means {@code best-effort})
     * @param ttlSeconds how long an announcement lives at the tracker
     * @param heartbeat  how often to re-announce; null = {@link Announcement#heartbeatMillis(long)}
     * @param nostr      Nostr relays ({@code ws(s)://}) to publish the announcement to as well; empty = none
     */
    public record Settings(URI tracker, String url, String label, String tier, long ttlSeconds, Duration heartbeat,
                           List<URI> nostr) {
        public Settings {
            nostr = nostr == null ? List.of() : List.copyOf(nostr);
            if (tracker == null && nostr.isEmpty()) throw new IllegalArgumentException("--announce-url needs --announce-to or --announce-nostr");
            Objects.requireNonNull(url, "--announce-url");
            String scheme = tracker == null ? "http" : tracker.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || tracker != null && tracker.getHost() == null) {
                throw new IllegalArgumentException("--announce-to must be an http(s) URL, got " + tracker);
            }
            for (URI relay : nostr) NostrRelay.relayUri(relay.toString());
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--announce-url is not a URL: " + url);
            }
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException("--announce-url must be an http(s) URL, got " + url);
            }
            if (ttlSeconds <= 0) throw new IllegalArgumentException("--announce-ttl must be positive, got " + ttlSeconds);
            if (tier != null && !Announcement.TIERS.contains(tier)) {
                throw new IllegalArgumentException("--tier must be interactive, batch or best-effort, got " + tier);
            }
            if (label != null && label.isBlank()) label = null;
            if (heartbeat == null) heartbeat = Duration.ofMillis(Announcement.heartbeatMillis(ttlSeconds));
            if (heartbeat.isNegative() || heartbeat.isZero()) throw new IllegalArgumentException("heartbeat must be positive");
        }

        /** Settings announcing to a tracker only. */
        public Settings(URI tracker, String url, String label, String tier, long ttlSeconds, Duration heartbeat) {
            this(tracker, url, label, tier, ttlSeconds, heartbeat, List.of());
        }

        /** The same settings, also announcing to {@code relays}. */
        public Settings withNostr(List<URI> relays) {
            return new Settings(tracker, url, label, tier, ttlSeconds, heartbeat, relays);
        }

        /** {@code <tracker>/<path>}, whatever the tracker URL ends with. */
        URI endpoint(String path) {
            String base = tracker.toString();
            while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
            return URI.create(base + "/" + path);
        }
    }

    /** What one announce attempt came to. */
    public record Outcome(boolean accepted, int status, String reason) {}

    private final Settings settings;
    private final Identity identity;
    private final Supplier<List<String>> models;
    private final LongSupplier clock;
    private final HttpClient http;
    private final NostrPublisher nostr;
    private final ScheduledExecutorService timer;
    private long lastAnnouncedAt;
    private volatile boolean stopped;

    /**
     * @param models the models to announce, read at every heartbeat (the worker's own {@code /capacity} list);
     *               an empty list omits the field
     */
    public Announcer(Settings settings, Identity identity, Supplier<List<String>> models) {
        this(settings, identity, null, models, System::currentTimeMillis);
    }

    /**
     * @param nostrKey the identity's secp256k1 key, which signs the Nostr events; required when {@code settings}
     *                 names relays
     */
    public Announcer(Settings settings, Identity identity, NostrKey nostrKey, Supplier<List<String>> models) {
        this(settings, identity, nostrKey, models, System::currentTimeMillis);
    }

    Announcer(Settings settings, Identity identity, Supplier<List<String>> models, LongSupplier clock) {
        this(settings, identity, null, models, clock);
    }

    Announcer(Settings settings, Identity identity, NostrKey nostrKey, Supplier<List<String>> models, LongSupplier clock) {
        this.settings = settings;
        if (!settings.nostr().isEmpty() && nostrKey == null) throw new IllegalArgumentException("--announce-nostr needs a Nostr key in the identity file");
        this.nostr = settings.nostr().isEmpty() ? null : new NostrPublisher(settings.nostr(), nostrKey, clock);
        this.identity = identity;
        this.models = models;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("announcer").daemon().factory());
    }

    /** Announces now, then every heartbeat until {@link #stop()}. */
    public void start() {
        long every = settings.heartbeat().toMillis();
        timer.scheduleAtFixedRate(this::announceQuietly, 0, every, TimeUnit.MILLISECONDS);
        log.info("announcing {} at {} to {} every {} s (ttl {} s)", identity.publicKey(), settings.url(), targets(),
                every / 1000.0, settings.ttlSeconds());
    }

    private void announceQuietly() {
        try {
            announce();
        } catch (RuntimeException e) {
            log.warn("announcing to {} failed: {}", targets(), e.toString());
        }
    }

    /** The announcement as it would be signed now: only the fields we send, {@code announcedAt} strictly increasing. */
    synchronized SignedAnnouncement sign() {
        long at = Math.max(clock.getAsLong(), lastAnnouncedAt + 1);
        lastAnnouncedAt = at;
        List<String> names = models.get();
        var a = new Announcement(Announcement.VERSION, identity.publicKey(), settings.url(), settings.label(),
                names == null || names.isEmpty() ? null : names, settings.tier(), settings.ttlSeconds(), at);
        return SignedAnnouncement.sign(a, identity);
    }

    private String targets() {
        var all = new java.util.ArrayList<String>();
        if (settings.tracker() != null) all.add(settings.tracker().toString());
        settings.nostr().forEach(r -> all.add(r.toString()));
        return String.join(", ", all);
    }

    /**
     * One signed announcement, sent now to the tracker and the relays; the tracker's answer (refusals are logged with
     * its reason), or without a tracker, accepted when at least one relay took it.
     */
    public Outcome announce() {
        if (stopped) return new Outcome(false, 0, "stopped");
        SignedAnnouncement signed = sign();
        Outcome o = null;
        // The tracker first: a relay that is down costs up to NostrPublisher.ROUND_TIMEOUT.
        if (settings.tracker() != null) {
            o = post("announce", Json.write(signed.toJson()));
            if (o.accepted()) {
                log.debug("announced to {} (announcedAt {})", settings.tracker(), signed.announcement().announcedAt());
            } else {
                log.warn("tracker {} refused the announcement: {}", settings.tracker(), o.reason());
            }
        }
        if (nostr != null) {
            var results = nostr.publish(signed);
            if (o == null) {
                boolean any = results.stream().anyMatch(NostrPublisher.Result::accepted);
                o = new Outcome(any, 0, any ? null : results.stream().map(NostrPublisher.Result::message).toList().toString());
            }
        }
        return o;
    }

    /**
     * Stops the heartbeat and withdraws the announcement with a signed unannounce, waiting at most
     * {@link #REQUEST_TIMEOUT}. Safe to call more than once (only the first sends).
     */
    public Outcome stop() {
        synchronized (this) {
            if (stopped) return new Outcome(false, 0, "already stopped");
            stopped = true;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long at;
        synchronized (this) {
            // A withdrawal must not be older than the announcement it removes (trackers keep the newer one).
            at = Math.max(clock.getAsLong(), lastAnnouncedAt);
        }
        if (nostr != null) nostr.withdraw();
        if (settings.tracker() == null) {
            http.shutdownNow();
            return new Outcome(true, 0, null);
        }
        Outcome o = post("unannounce", Json.write(Unannounce.sign(identity, at).toJson()));
        if (o.accepted()) log.info("unannounced from {}", settings.tracker());
        else log.warn("unannounce at {} failed: {}", settings.tracker(), o.reason());
        http.shutdownNow();
        return o;
    }

    /**
     * Stops the heartbeat without withdrawing: the announcement stays listed until its TTL runs out, as when the
     * process dies (failover tests). After this {@link #stop()} sends nothing.
     */
    public void abandon() {
        synchronized (this) {
            if (stopped) return;
            stopped = true;
        }
        timer.shutdownNow();
        http.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    private Outcome post(String path, String body) {
        var req = HttpRequest.newBuilder(settings.endpoint(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            var res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (res.statusCode() == 200) return new Outcome(true, 200, null);
            return new Outcome(false, res.statusCode(), reason(res.statusCode(), res.body()));
        } catch (IOException e) {
            return new Outcome(false, 0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, 0, "interrupted");
        }
    }

    /** {@code rejected: stale}, {@code bad_json}, or the status and the start of the body for anything else. */
    static String reason(int status, String body) {
        try {
            JsonNode err = Json.parse(body).path("error");
            String type = err.path("type").asText("");
            String reason = err.path("reason").asText("");
            if (!type.isEmpty()) return reason.isEmpty() ? type : type + ": " + reason;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            // not JSON: fall through
        }
        String text = body == null ? "" : body.strip();
        return "HTTP " + status + (text.isEmpty() ? "" : " " + text.substring(0, Math.min(120, text.length())));
    }
}

package dev.idleclaw.announce;

import dev.idleclaw.identity.NostrKey;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nostr side of an {@link Announcer} ({@code --announce-nostr}): publishes each signed announcement, wrapped in
 * a kind-31474 event signed with the identity's secp256k1 key ({@link NostrAnnouncements}), to every relay at once,
 * and on withdrawal publishes a NIP-09 deletion of the last one. Relays that fail are logged; the next heartbeat
 * tries again. Event dates ({@code created_at}, seconds) strictly increase, so a relay never keeps an older
 * announcement over a newer one.
 */
final class NostrPublisher {
    private static final Logger log = LoggerFactory.getLogger(NostrPublisher.class);
    /** All relays of one round together: connect, send, wait for OK, with a little slack for the threads. */
    static final Duration ROUND_TIMEOUT = NostrRelay.CONNECT_TIMEOUT.plus(NostrRelay.PUBLISH_TIMEOUT).plusSeconds(1);

    /** What one relay answered to one event: accepted or not, and its message or the failure. */
    record Result(URI relay, boolean accepted, String message) {}

    private final List<URI> relays;
    private final NostrKey key;
    private final LongSupplier clock;
    private long lastCreatedAt;
    /** The last announcement a relay took, and the last one sent, whose answer may have been lost (null: none). */
    private String lastAccepted, lastSent;

    NostrPublisher(List<URI> relays, NostrKey key, LongSupplier clock) {
        if (relays.isEmpty()) throw new IllegalArgumentException("--announce-nostr needs at least one relay");
        this.relays = List.copyOf(relays);
        this.key = java.util.Objects.requireNonNull(key, "the identity has no Nostr key");
        this.clock = clock;
    }

    /** Publishes {@code signed} to every relay; the relays' answers. */
    synchronized List<Result> publish(SignedAnnouncement signed) {
        long at = Math.max(clock.getAsLong() / 1000, lastCreatedAt + 1);
        lastCreatedAt = at;
        NostrEvent event = NostrAnnouncements.announcement(key, signed, at);
        lastSent = event.id();
        List<Result> results = send(event);
        if (results.stream().anyMatch(Result::accepted)) lastAccepted = event.id();
        for (Result r : results) {
            if (r.accepted()) log.debug("announced to relay {} (event {})", r.relay(), event.id());
            else log.warn("relay {} did not take the announcement: {}", r.relay(), r.message());
        }
        return results;
    }

    /**
     * Deletes the last announcement at every relay (and the last one sent, in case a relay took it without its
     * answer arriving); nothing to do when none was sent. The relays' answers.
     */
    synchronized List<Result> withdraw() {
        List<String> ids = java.util.stream.Stream.of(lastSent, lastAccepted).filter(java.util.Objects::nonNull).distinct().toList();
        if (ids.isEmpty()) return List.of();
        long at = Math.max(clock.getAsLong() / 1000, lastCreatedAt);
        List<Result> results = send(NostrAnnouncements.withdrawal(key, ids, at));
        for (Result r : results) {
            if (r.accepted()) log.info("withdrew the announcement from relay {}", r.relay());
            else log.warn("relay {} did not take the withdrawal: {}", r.relay(), r.message());
        }
        lastSent = null;
        lastAccepted = null;
        return results;
    }

    private List<Result> send(NostrEvent event) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Result>> pending = new ArrayList<>();
            for (URI relay : relays) pending.add(pool.submit(() -> sendOne(relay, event)));
            long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < relays.size(); i++) {
                try {
                    results.add(pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    pending.get(i).cancel(true);
                    results.add(new Result(relays.get(i), false, "no answer within " + ROUND_TIMEOUT.toSeconds() + " s"));
                } catch (ExecutionException e) {
                    results.add(new Result(relays.get(i), false, String.valueOf(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    results.add(new Result(relays.get(i), false, "interrupted"));
                }
            }
            return results;
        }
    }

    private static Result sendOne(URI relay, NostrEvent event) {
        try {
            var ok = NostrRelay.publish(relay, event);
            return new Result(relay, ok.accepted(), ok.message());
        } catch (IOException e) {
            return new Result(relay, false, e.getMessage());
        }
    }
}

package dev.idleclaw.node;

import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.wire.HubMessage;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent ({@code idleclaw contribute}): checks the local Ollama, then keeps one WebSocket to the hub,
 * registering with a fresh UUIDv4 {@code node_id} on every connection and reconnecting with {@link Backoff}
 * after any close or failure. {@link #run()} blocks until {@link #stop()}, which drains in-flight requests (up to
 * the drain timeout), closes with 1000 {@code node shutting down} and lets {@code run()} return. Until the first
 * registration, the same permanent connect error ({@link ConnectFailure}) {@link #PERMANENT_FAILURE_TRIES} times in a
 * row ends {@code run()}: the address is wrong. Once the hub has accepted the node, every failure is retried.
 */
public final class NodeAgent {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** Close reason on a clean shutdown. */
    static final String SHUTDOWN_REASON = "node shutting down";
    /** Our hub sends its challenge as soon as the socket opens; silence this long means a hub without authentication. */
    static final Duration CHALLENGE_WAIT = Duration.ofSeconds(3);
    /**
     * Tries with one permanent error (unknown host, a 404 upgrade …) before a node that never registered gives up:
     * enough to ride out a DNS record or proxy route appearing a moment late (the first backoff steps, 3–5 s), short
     * enough that a typo in the address is reported while the user still watches.
     */
    public static final int PERMANENT_FAILURE_TRIES = 3;

    private final NodeConfig config;
    private final OllamaClient ollama;
    private final Backoff backoff;
    private final RequestSlots slots;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Inventory inventory;
    private volatile HubSession session;
    private volatile boolean started;
    private final PermanentFailures permanentFailures = new PermanentFailures(PERMANENT_FAILURE_TRIES);

    public NodeAgent(NodeConfig config) {
        this.config = config;
        var t = config.timings();
        this.ollama = new OllamaClient(config.ollamaUrl(), t.ollamaConnect(), t.ollamaIdle(), t.healthCache());
        this.backoff = new Backoff(t.backoffUnit(), t.backoffCap());
        this.slots = new RequestSlots(config.maxConcurrent());
    }

    /** Reads the local Ollama's models, version and capabilities once; fails when it is down or has no models. */
    public synchronized Inventory prepare() throws NodeStartupException {
        if (inventory == null) inventory = Inventory.discover(ollama);
        return inventory;
    }

    /**
     * Connects, serves and reconnects until {@link #stop()}; throws when Ollama is not usable at startup, or when the
     * hub address fails permanently before the first registration (see {@link #PERMANENT_FAILURE_TRIES}).
     */
    public void run() throws NodeStartupException {
        prepare();
        started = true;
        var builder = HttpClient.newBuilder().connectTimeout(config.timings().send());
        if (config.tls() != null) builder.sslContext(config.tls());
        var http = builder.build();
        try {
            while (!stopping.get()) {
                try {
                    connectAndServe(http);
                    permanentFailures.reset();
                } catch (ConnectFailure e) {
                    log.warn("cannot connect to the hub at {}: {}", config.hubUrl(), e.getMessage());
                    if (permanentFailures.giveUp(e)) {
                        throw new NodeStartupException(NodeStartupException.Kind.HUB, "cannot connect to " + config.hubUrl()
                                + ": " + e.getMessage() + "; gave up after " + permanentFailures.inARow() + " tries");
                    }
                }
                session = null;
                if (stopping.get()) break;
                Duration delay = backoff.next();
                log.info("reconnecting to {} in {}", config.hubUrl(), NodeTimings.text(delay));
                try {
                    stopSignal.get(delay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // waited out the delay: try again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        } finally {
            http.shutdownNow();
            ollama.close();
            finished.countDown();
            log.info("node stopped");
        }
    }

    /**
     * Graceful stop (Ctrl+C): refuse new work and report {@code available:false}, let in-flight requests finish
     * for up to the drain timeout (then cancel them), close the connection with 1000, and wait (bounded) for
     * {@link #run()} to return. Safe to call from any thread, more than once.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitFinished();
            return;
        }
        slots.close();
        var s = session;
        if (s != null) {
            s.sendHeartbeat();
            int active = slots.active();
            if (active > 0) log.info("stopping: waiting up to {} for {} request(s)", NodeTimings.text(config.timings().drain()), active);
            if (!slots.awaitIdle(config.timings().drain())) {
                log.warn("stopping: cancelling {} request(s) still running", slots.active());
                s.cancelAll();
            }
            s.link().close(1000, SHUTDOWN_REASON);
        }
        stopSignal.complete(null);
        awaitFinished();
    }

    /** The current connection's node id, or null while not registered. */
    public String nodeId() {
        var s = session;
        return s == null ? null : s.nodeId();
    }

    /** Requests running right now. */
    public int activeRequests() {
        return slots.active();
    }

    private void connectAndServe(HttpClient http) throws ConnectFailure, InterruptedException {
        var s = new HubSession(UUID.randomUUID().toString(), config.timings(), slots,
                new RequestRules(inventory.capabilities(), inventory.contextLengths(), config.limits()), ollama, config.identity());
        var link = HubLink.open(http, config.hubUrl(), config.timings().send(), config.limits().maxRequestBytes(),
                config.identity() != null, s::onText);
        s.attach(link);
        log.debug("connected to {}", config.hubUrl());
        var challenge = config.identity() == null ? null : awaitChallenge(s, link);
        if (!link.closed().isDone() && !stopping.get()) s.register(inventory, config.maxConcurrent(), config.limits(), challenge);
        if (!awaitRegistered(s, link)) return;
        session = s;
        permanentFailures.registered();
        backoff.reset();
        log.info("registered with {} as node {} ({} models, max_concurrent {})", config.hubUrl(), s.nodeId(),
                inventory.models().size(), config.maxConcurrent());
        if (stopping.get()) {
            link.close(1000, SHUTDOWN_REASON);
            return;
        }
        var closed = s.serve();
        log.info("disconnected from the hub: code {}{}", closed.code(),
                closed.reason() == null || closed.reason().isEmpty() ? "" : " (" + closed.reason() + ")");
    }

    /**
     * The hub's challenge, or null (register anonymously) when it sends none in time: an original IdleClaw hub
     * ignores the request to authenticate. Stops waiting as soon as the hub closes the link (a hub that is stopping
     * turns nodes away at once) or the node stops.
     */
    private HubMessage.AuthChallenge awaitChallenge(HubSession s, HubLink link) throws InterruptedException {
        try {
            CompletableFuture.anyOf(s.challenge(), link.closed(), stopSignal)
                    .get(Math.min(CHALLENGE_WAIT.toMillis(), config.timings().register().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // sorted out below
        }
        if (s.challenge().isDone() && !s.challenge().isCompletedExceptionally()) return s.challenge().join();
        if (!link.closed().isDone() && !stopping.get()) {
            log.warn("the hub offers no node authentication; registering anonymously (no credit is earned)");
        }
        return null;
    }

    /** True when the hub's first reply is {@code registered}; otherwise logs why and ends the connection. */
    private boolean awaitRegistered(HubSession s, HubLink link) throws InterruptedException {
        try {
            CompletableFuture.anyOf(s.firstReply(), link.closed(), stopSignal)
                    .get(config.timings().register().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // sorted out below
        }
        if (s.firstReply().isDone() && !s.firstReply().isCompletedExceptionally()
                && s.firstReply().join() instanceof HubMessage.Registered) {
            return true;
        }
        if (stopping.get()) {
            link.close(1000, SHUTDOWN_REASON);
        } else if (link.closed().isDone() && !s.firstReply().isDone()) {
            var c = link.closed().join();
            log.warn("the hub closed the connection before registering: code {} ({})", c.code(), c.reason());
        } else if (!s.firstReply().isDone()) {
            log.warn("no reply to register within {}", NodeTimings.text(config.timings().register()));
            link.abort("registration timeout");
        } else {
            log.warn("expected a registered message as the hub's first reply; reconnecting");
            link.close(1008, "expected registered");
        }
        return false;
    }

    private void awaitFinished() {
        if (!started) return;
        try {
            // run() returns once the close handshake is over; it is bounded by the send timeout
            if (!finished.await(config.timings().send().toMillis() * 3, TimeUnit.MILLISECONDS)) {
                log.warn("the connection loop did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

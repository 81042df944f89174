package dev.idleclaw.worker;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.server.Hub;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.node.Inventory;
import dev.idleclaw.node.NodeStartupException;
import dev.idleclaw.ollama.OllamaClient;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code idleclaw worker}: a Lobstah-compatible worker (lobstah-wire.md §7, §11a) built from our own parts. A
 * {@link Hub} in the worker profile serves the HTTP API through its usual front doors and runs requests on the local
 * Ollama in its own process ({@link Hub#serveLocalOllama}: the node agent's request handling without a WebSocket),
 * signing every receipt with the worker's key (so {@code workerPubkey} is the worker's {@code /pubkey}). Optionally an
 * {@link Announcer} keeps it listed at a tracker. {@link #close()} unannounces, drains and stops.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final Identity identity;
    private final Hub hub;
    private final Announcer announcer;
    private boolean closed;

    private Worker(WorkerConfig config, Identity identity, Hub hub, Announcer announcer) {
        this.config = config;
        this.identity = identity;
        this.hub = hub;
        this.announcer = announcer;
    }

    /**
     * Checks the local Ollama (its models and version), starts the hub serving it and, when configured, starts
     * announcing. Throws {@link NodeStartupException} when Ollama is down or has no models; other failures (cannot
     * listen, ledger, identity file) are runtime exceptions.
     */
    public static Worker start(WorkerConfig config) throws NodeStartupException {
        var loaded = IdentityFile.loadOrCreate(config.identityPath(), false);
        if (loaded.created()) log.info("created identity {} at {}", loaded.identity().publicKey(), loaded.path());
        Identity identity = loaded.identity();
        // Ollama first: a worker with nothing to serve should not start listening.
        Inventory inventory;
        var timings = config.nodeTimings();
        try (var ollama = new OllamaClient(config.ollama(), timings.ollamaConnect(), timings.ollamaIdle(), timings.healthCache())) {
            inventory = Inventory.discover(ollama);
        }
        log.info("serving {} model(s) from Ollama {} at {}", inventory.models().size(), inventory.ollamaVersion(), config.ollama());

        Hub hub = Hub.start(config.hubConfig());
        Announcer announcer = null;
        try {
            if (!hub.publicKey().equals(identity.publicKey())) throw new IllegalStateException("the hub loaded another identity");
            hub.serveLocalOllama(inventory, config.maxConcurrent(), timings);
            if (config.announce() != null) {
                var nostrKey = config.announce().nostr().isEmpty() ? null
                        : IdentityFile.addNostrKey(loaded.path()).stored().nostr().orElseThrow();
                announcer = new Announcer(config.announce(), identity, nostrKey, () -> models(hub));
                announcer.start();
            }
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        return new Worker(config, identity, hub, announcer);
    }

    /** The models the worker serves under its own key, as {@code /capacity} lists them. */
    static List<String> models(Hub hub) {
        var names = new LinkedHashSet<String>();
        for (NodeLink link : hub.registry().registered()) {
            if (hub.publicKey().equals(link.pubkey())) link.models().forEach(m -> names.add(m.name()));
        }
        return List.copyOf(names);
    }

    /** The worker's HTTP port. */
    public int port() {
        return hub.port();
    }

    /** The worker's key ({@code GET /pubkey}); every receipt it signs names it. */
    public String publicKey() {
        return identity.publicKey();
    }

    public Hub hub() {
        return hub;
    }

    public WorkerConfig config() {
        return config;
    }

    /** The announcer, or null when not announcing. */
    public Announcer announcer() {
        return announcer;
    }

    /**
     * Unannounces (bounded), refuses new chats and lets in-flight answers finish (the hub's drain), then stops serving
     * the local Ollama with the hub. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (announcer != null) announcer.stop();
        hub.close();
        log.info("worker stopped");
    }
}

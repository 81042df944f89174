package dev.idleclaw.worker;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.server.Hub;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.node.Inventory;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeStartupException;
import dev.idleclaw.node.NodeUrls;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code idleclaw worker}: a Lobstah-compatible worker (lobstah-wire.md §7, §11a) built from our own parts. A
 * {@link Hub} in the worker profile serves the HTTP API through its usual front doors; one in-process
 * {@link NodeAgent}, proving the worker's own key on the hub's loopback node listener, relays to the local Ollama
 * and signs every receipt with that key (so {@code workerPubkey} is the worker's {@code /pubkey}). Optionally an
 * {@link Announcer} keeps it listed at a tracker. {@link #close()} unannounces, drains and stops.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** How long start-up waits for the worker's own node to register with its hub. */
    static final Duration NODE_READY = Duration.ofSeconds(15);

    private final WorkerConfig config;
    private final Identity identity;
    private final Hub hub;
    private final NodeAgent agent;
    private final Thread agentThread;
    private final Announcer announcer;
    private boolean closed;

    private Worker(WorkerConfig config, Identity identity, Hub hub, NodeAgent agent, Thread agentThread, Announcer announcer) {
        this.config = config;
        this.identity = identity;
        this.hub = hub;
        this.agent = agent;
        this.agentThread = agentThread;
        this.announcer = announcer;
    }

    /**
     * Checks the local Ollama (its models and version), starts the hub, connects the node agent and, when
     * configured, starts announcing. Throws {@link NodeStartupException} when Ollama is down or has no models;
     * other failures (cannot listen, ledger, identity file) are runtime exceptions.
     */
    public static Worker start(WorkerConfig config) throws NodeStartupException {
        var loaded = IdentityFile.loadOrCreate(config.identityPath(), false);
        if (loaded.created()) log.info("created identity {} at {}", loaded.identity().publicKey(), loaded.path());
        Identity identity = loaded.identity();
        // Ollama first: a worker with nothing to serve should not start listening.
        Inventory inventory;
        try (var ollama = new dev.idleclaw.ollama.OllamaClient(config.ollama())) {
            inventory = Inventory.discover(ollama);
        }
        log.info("serving {} model(s) from Ollama {} at {}", inventory.models().size(), inventory.ollamaVersion(), config.ollama());

        Hub hub = Hub.start(config.hubConfig());
        NodeAgent agent = null;
        Thread thread = null;
        Announcer announcer = null;
        try {
            if (!hub.publicKey().equals(identity.publicKey())) throw new IllegalStateException("the hub loaded another identity");
            var nodeConfig = new NodeConfig(NodeUrls.hubUrl("ws://127.0.0.1:" + hub.nodePort() + NodeUrls.NODE_PATH), config.ollama(),
                    config.maxConcurrent(), config.nodeTimings(), identity, null);
            var a = new NodeAgent(nodeConfig);
            agent = a;
            thread = Thread.ofPlatform().name("worker-node").daemon().start(() -> {
                try {
                    a.run();
                } catch (NodeStartupException e) {
                    log.error("the worker's node cannot start: {}", e.getMessage());
                }
            });
            awaitNode(hub);
            if (config.announce() != null) {
                announcer = new Announcer(config.announce(), identity, () -> models(hub));
                announcer.start();
            }
        } catch (RuntimeException e) {
            if (agent != null) agent.stop();
            hub.close();
            throw e;
        }
        return new Worker(config, identity, hub, agent, thread, announcer);
    }

    private static void awaitNode(Hub hub) {
        long deadline = System.nanoTime() + NODE_READY.toNanos();
        while (models(hub).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                log.warn("the worker's node has not registered within {} s; /capacity answers 500 until it does", NODE_READY.toSeconds());
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The models of the worker's own node, as {@code /capacity} lists them (empty while it is not connected). */
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
     * Unannounces (bounded), refuses new chats and lets in-flight answers finish (the hub's drain), then stops the
     * node agent. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (announcer != null) announcer.stop();
        hub.close();
        agent.stop();
        try {
            agentThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("worker stopped");
    }
}

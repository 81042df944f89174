package dev.idleclaw.server;

import dev.idleclaw.front.ollama.OllamaDoor;
import dev.idleclaw.front.anthropic.AnthropicDoor;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.front.responses.ResponsesDoor;
import dev.idleclaw.front.idleclaw.IdleClawDoor;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.link.NodeSocket;
import dev.idleclaw.link.PeerBackends;
import dev.idleclaw.peer.PeerDirectory;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.registry.LocalOllamaBackend;
import dev.idleclaw.registry.ModelCatalog;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.PeerTransport;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.relay.EmbedRelay;
import dev.idleclaw.relay.HubMetrics;
import dev.idleclaw.relay.ReceiptDesk;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.verify.RequestShape;
import dev.idleclaw.verify.Verification;
import java.util.List;
import dev.idleclaw.node.Inventory;
import dev.idleclaw.node.LocalNode;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.WireException;
import io.javalin.Javalin;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub: the services (node directory, scheduler, relay, counters) wired to the HTTP and WebSocket
 * routes, plus the periodic jobs (pings, heartbeat eviction, counter saving, rate-limit sweeping).
 * {@link #close()} shuts down gracefully.
 */
public final class Hub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    /** How often idle rate-limit buckets are swept (upstream: every 300 s). */
    private static final long SWEEP_SECONDS = 300;
    /** Poll period while draining in-flight answers at shutdown. */
    private static final long DRAIN_POLL_MILLIS = 50;
    /** After the drain timeout and the nodes' close, how long cut-off answers get to write their ending. */
    private static final long FINISH_MILLIS = 1000;
    /**
     * After the last answer left its sink, how long the HTTP layer gets to complete the responses (the door returns,
     * Jetty writes the end of the chunked body) before the server stops: stopping at once cut those endings.
     */
    private static final long COMPLETE_MILLIS = 200;
    /** A worker's health check of its Ollama must fit in a Lobstah router's 2 s capacity timeout. */
    private static final java.time.Duration BACKEND_CONNECT_TIMEOUT = java.time.Duration.ofMillis(1500);

    private final HubConfig config;
    private final HubStats stats;
    private final NodeRegistry registry;
    private final Scheduler scheduler;
    private final NodeSocket nodeSocket;
    private final HubInfo info;
    private final ScheduledExecutorService timers;
    private final Javalin app;
    private final ModelCatalog catalog;
    private final dev.idleclaw.front.embed.EmbedDoor embeddings;
    private final HubMetrics metrics;
    /** Canaries, fingerprints and re-runs of the nodes' output (docs/trust.md). */
    private final Verification verification;
    private final HubRoutes routes;
    private final StatsFeed statsFeed;
    /** The hub's key pair in its data directory (the same file {@code idleclaw keygen} writes by default). */
    static final String IDENTITY_FILE = "identity.json";
    private final Identity identity;
    /** The identity file, read again for its Nostr key when the hub announces to relays. */
    private final java.nio.file.Path identityFile;
    private final Ledger ledger;
    /** Releases or forfeits a key's held credits as its standing changes (docs/trust.md). */
    private final HeldCredits heldCredits;
    /** Writes node standings into the ledger database behind the in-memory copy (docs/trust.md "Persistence"). */
    private final dev.idleclaw.registry.StandingJournal standingJournal;
    /** How often the peers and their capacity are re-read (capacity itself is cached 30 s by the directory). */
    static final java.time.Duration PEER_REFRESH = java.time.Duration.ofSeconds(2);
    private final PeerDirectory peers;
    private final PeerBackends peerBackends;
    /** The worker profile's local Ollama, asked only for its health ({@code /capacity}); null for a network hub. */
    private final dev.idleclaw.ollama.OllamaClient backend;
    /** Keeps this hub listed at a tracker ({@code --announce-to}); null when not announcing. */
    private volatile dev.idleclaw.announce.Announcer announcer;
    /** How often an announcing hub checks whether the models it serves changed (cheap: a catalog read). */
    static final java.time.Duration MODEL_CHECK = java.time.Duration.ofSeconds(2);
    /** Syncs trackers into the peers file ({@code --sync-from}); null when not following any. */
    private final dev.idleclaw.peer.TrackerFollower follower;
    /** Syncs Nostr relays into the peers file ({@code --sync-nostr}); null when not following any. */
    private final dev.idleclaw.peer.NostrFollower nostrFollower;
    /** The worker profile's own Ollama, served in this process; null for a network hub or until attached. */
    private volatile LocalOllamaBackend local;
    private volatile boolean draining;
    private boolean closed;
    /**
     * The one link to the cluster's Redis ({@code --cluster}), shared by the directory and the admission state, so an
     * outage is one reachability state and one WARN/INFO pair; closed after both. Null for a hub on its own.
     */
    private final dev.idleclaw.cluster.ClusterStore clusterStore;
    /** This hub's part of the cluster's directory ({@code --cluster}); null for a hub on its own. */
    private final dev.idleclaw.cluster.ClusterDirectory cluster;
    /** Forwarding to and from the other members ({@code --cluster}); null for a hub on its own. */
    private final dev.idleclaw.cluster.ClusterForwarding forwarding;
    /** Rate limits, caps and bans: this hub's own, or shared through the cluster's Redis ({@code --cluster}). */
    private final AdmissionState admission;

    private Hub(HubConfig config) {
        this.config = config;
        var worker = config.worker();
        java.nio.file.Path identityFile = worker != null && worker.identityFile() != null ? worker.identityFile()
                : config.dataDir().resolve(IDENTITY_FILE);
        this.identity = IdentityFile.loadOrCreate(identityFile, false).identity();
        this.identityFile = identityFile;
        this.backend = worker == null ? null : new dev.idleclaw.ollama.OllamaClient(worker.ollama(), BACKEND_CONNECT_TIMEOUT,
                BACKEND_CONNECT_TIMEOUT, dev.idleclaw.ollama.OllamaClient.DEFAULT_HEALTH_TTL);
        this.ledger = Ledgers.open(config.ledger().location(), config.ledger().bootstrapAllowance());
        this.stats = HubStats.load(config.dataDir());
        this.clusterStore = config.cluster() == null ? null : new dev.idleclaw.cluster.ClusterStore(config.cluster().redis());
        this.admission = AdmissionState.of(config, clusterStore, identity.publicKey());
        this.registry = new NodeRegistry(config.limits().maxNodesPerIp(), stats.nodesRegisteredAtStart(), config.trust(),
                admission.bans(), admission.nodeLeases());
        admission.closeBanned(registry);
        stats.nodesRegistered(registry::registeredTotal);
        this.scheduler = new Scheduler(registry, config.relay().queueCapacity());
        this.heldCredits = new HeldCredits(ledger);
        scheduler.listen(heldCredits);
        this.standingJournal = new dev.idleclaw.registry.StandingJournal(ledger);
        registry.persistStandings(standingJournal);
        this.cluster = config.cluster() == null ? null : new dev.idleclaw.cluster.ClusterDirectory(config.cluster(),
                clusterStore, identity.publicKey(), version(), registry, scheduler);
        dev.idleclaw.registry.ClusterNodes others = cluster == null ? dev.idleclaw.registry.ClusterNodes.NONE : cluster;
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hub-timers").daemon().factory());
        var clientIp = new ClientIp(config.listen().trustedProxies());
        this.nodeSocket = new NodeSocket(config.nodeLinks(), worker != null, registry, timers, stats, identity);
        var toolbox = dev.idleclaw.tools.Toolbox.of(config.tools());
        this.info = new HubInfo(registry, scheduler, stats, toolbox.names(), others);
        var traffic = new dev.idleclaw.stats.Traffic();
        // In a cluster every series says which hub it is from (docs/operations.md "Metrics"); a lone hub's need not.
        this.metrics = new HubMetrics(registry, scheduler, stats, traffic, config.cluster() == null ? null : identity.publicKey());
        var receipts = new ReceiptDesk(ledger, metrics, identity);
        this.verification = new Verification(config.verify(), registry, scheduler, List.of(RequestShape.PLAIN,
                (model, messages, link) -> IdleClawDoor.params(model, messages, false, link)), new HiddenReceipts(receipts), metrics);
        var relay = new ChatRelay(config.relay(), config.limits(), scheduler, stats, metrics, receipts, verification.reruns());
        var embedRelay = new EmbedRelay(config.relay(), scheduler, metrics, receipts);
        this.forwarding = cluster == null ? null
                : new dev.idleclaw.cluster.ClusterForwarding(config.cluster(), cluster, identity, scheduler, relay, embedRelay);
        var limiter = admission.localRates();
        this.catalog = new ModelCatalog(registry, scheduler, others);
        this.embeddings = new dev.idleclaw.front.embed.EmbedDoor(embedRelay, catalog);
        this.routes = new HubRoutes(config.listen(), config.nodeLinks(), config.ledger(), config.federation(), worker != null, this,
                clientIp, admission.rates(), admission.streams(),
                new HubRoutes.Doors(new IdleClawDoor(config.limits(), config.relay(), relay, toolbox), new OllamaDoor(relay, catalog, toolbox), worker == null ? new OpenAiDoor(relay, catalog, OpenAiDoor.OWNER, false, toolbox)
                        // A Lobstah router reads the usage chunk of every stream, and owned_by names the worker's key.
                        : new OpenAiDoor(relay, catalog, "lobstah:" + identity.publicKey().substring(0, 12), true),
                        new AnthropicDoor(relay, catalog),
                        new ResponsesDoor(relay, catalog)));
        this.statsFeed = new StatsFeed(new StatsSnapshot(new StatsSnapshot.Sources(registry, scheduler, this::peers, ledger,
                info::uptimeSeconds, stats::active, cluster)), traffic, stats, System::currentTimeMillis);
        this.app = Javalin.create(cfg -> routes.install(cfg, nodeSocket::endpoint));
        var links = config.nodeLinks();
        timers.scheduleAtFixedRate(nodeSocket::pingAll, links.pingInterval().toMillis(), links.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(nodeSocket::evictSilent, links.evictionScan().toMillis(), links.evictionScan().toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(stats::save, config.statsSaveInterval().toMillis(), config.statsSaveInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (verification.hiddenChecks()) {
            long every = Verification.TICK.toMillis();
            timers.scheduleAtFixedRate(verification::tick, every, every, TimeUnit.MILLISECONDS);
        }
        timers.scheduleAtFixedRate(() -> limiter.sweep(System.nanoTime()), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        // On a virtual thread: the tick reads the ledger's totals, which must never hold up the pings on this timer.
        long tick = StatsFeed.TICK.toMillis();
        timers.scheduleAtFixedRate(() -> Thread.ofVirtual().name("stats-tick").start(statsFeed::tick), 0, tick, TimeUnit.MILLISECONDS);
        var federation = config.federation();
        if (federation.peersFile() != null) {
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .connectTimeout(PeerTransport.CONNECT_TIMEOUT).build();
            var safety = UrlSafety.of(federation.localPeers() ? UrlSafety.Policy.LOCAL : UrlSafety.Policy.DEFAULT);
            this.peers = new PeerDirectory(federation.peersFile(), safety, http, System::currentTimeMillis,
                    federation.peerCapacityTtl(), federation.peerCooldown());
            this.peerBackends = new PeerBackends(peers, registry, identity, http);
            timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("peers").start(peerBackends::refresh),
                    0, PEER_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
            if (!federation.syncFrom().isEmpty()) {
                this.follower = new dev.idleclaw.peer.TrackerFollower(federation.syncFrom(),
                        new dev.idleclaw.peer.PeersFile(federation.peersFile(), System::currentTimeMillis), safety, http,
                        System::currentTimeMillis, identity.publicKey());
                timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("tracker-sync").start(follower::syncAll),
                        0, federation.syncInterval().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                this.follower = null;
            }
            if (!federation.syncNostr().isEmpty()) {
                this.nostrFollower = new dev.idleclaw.peer.NostrFollower(federation.syncNostr(),
                        new dev.idleclaw.peer.PeersFile(federation.peersFile(), System::currentTimeMillis), safety,
                        System::currentTimeMillis, identity.publicKey());
                timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("nostr-sync").start(nostrFollower::syncAll),
                        0, federation.syncInterval().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                this.nostrFollower = null;
            }
        } else {
            this.peers = null;
            this.peerBackends = null;
            this.follower = null;
            this.nostrFollower = null;
        }
    }

    /** Whether this hub honours {@code key}'s "on behalf of" when it forwards a request here: it is one of our peers. */
    public boolean trustsForwarder(String key) {
        return peers != null && peers.peers().stream().anyMatch(p -> p.pubkey().equals(key));
    }

    /** The peers directory, or null when this hub has no peers file. */
    public PeerDirectory peers() {
        return peers;
    }

    /** Starts a hub and returns once it is listening. */
    public static Hub start(HubConfig config) {
        Hub hub = new Hub(config);
        try {
            hub.app.start(config.listen().host(), config.listen().port());
        } catch (RuntimeException e) {
            hub.timers.shutdownNow();
            if (hub.cluster != null) hub.cluster.abandon();
            if (hub.admission.shared() != null) hub.admission.shared().abandon();
            if (hub.clusterStore != null) hub.clusterStore.close();
            hub.standingJournal.close();
            hub.ledger.close();
            if (hub.backend != null) hub.backend.close();
            throw e;
        }
        if (config.role() == HubConfig.Role.WORKER) {
            log.info("worker {} listening on http://{}:{} (nodes with its key may connect to ws://127.0.0.1:{}/ws/node)", hub.publicKey(),
                    config.listen().host(), hub.port(), hub.nodePort());
        } else if (config.listen().nodeListener()) {
            log.info("hub listening on http://{}:{} (nodes connect to ws://{}:{}/ws/node)", config.listen().host(), hub.port(),
                    config.listen().host(), hub.port());
        } else {
            log.info("listening on http://{}:{} (no node listener)", config.listen().host(), hub.port());
        }
        if (hub.cluster != null) hub.cluster.start();
        if (hub.admission.shared() != null) hub.admission.shared().start();
        if (config.federation().announce() != null) {
            var settings = config.federation().announce();
            // Relays need the secp256k1 key beside the Ed25519 one; an older identity file gets one added (kept).
            var nostrKey = settings.nostr().isEmpty() ? null : IdentityFile.addNostrKey(hub.identityFile).stored().nostr().orElseThrow();
            hub.announcer = new dev.idleclaw.announce.Announcer(settings, hub.identity, nostrKey, hub::servedModels);
            hub.announcer.start();
            // Re-announce as soon as the models served change (the first announcement usually has none yet), rather
            // than leaving the tracker's list stale until the next heartbeat.
            var announced = new java.util.concurrent.atomic.AtomicReference<>(hub.servedModels());
            hub.timers.scheduleWithFixedDelay(() -> {
                var now = hub.servedModels();
                if (!now.equals(announced.getAndSet(now)) && hub.announcer != null && !hub.draining) {
                    Thread.ofVirtual().name("announce").start(hub.announcer::announce);
                }
            }, MODEL_CHECK.toMillis(), MODEL_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        }
        return hub;
    }

    public int port() {
        return app.port();
    }

    /** The Ollama-only listener's port, or -1 when not configured. */
    public int ollamaPort() {
        return routes.ollamaPort();
    }

    /**
     * The worker profile's own Ollama, served in this process with no node connection: registers it under the worker's
     * key with what its node agent would register ({@code inventory}'s models, {@code maxConcurrent} slots, the agent's
     * limits); {@code timings} are the node's Ollama timeouts. Closed with the hub, after its drain.
     */
    public synchronized void serveLocalOllama(Inventory inventory, int maxConcurrent, NodeTimings timings) {
        var worker = config.worker();
        if (worker == null) throw new IllegalStateException("only a worker serves a local Ollama");
        if (closed || local != null) throw new IllegalStateException(closed ? "the hub is closed" : "the local Ollama is already served");
        try {
            local = LocalOllamaBackend.attach(registry, stats, identity.publicKey(),
                    out -> new LocalNode(worker.ollama(), inventory, maxConcurrent, NodeLimits.AGENT, timings, identity, out));
        } catch (WireException e) {
            throw new IllegalStateException("the worker's own node was refused: " + e.reason(), e);
        }
    }

    /** The node WebSocket endpoint, whose connections tests inspect. */
    NodeSocket nodeSocket() {
        return nodeSocket;
    }

    /** The worker profile's loopback node listener port, or -1 for a network hub (nodes use {@link #port()}). */
    public int nodePort() {
        return routes.nodePort();
    }

    public HubConfig config() {
        return config;
    }

    /**
     * The worker profile's view of its backend: true when the local Ollama answers (cached for a few seconds).
     * Always true for a network hub, whose backends are its nodes.
     */
    public boolean backendHealthy() {
        return backend == null || backend.health();
    }

    /** What this hub announces: the names in its catalog (its nodes' models, and its healthy peers' if it has any). */
    private java.util.List<String> servedModels() {
        return catalog.models().stream().map(ModelCatalog.Entry::name).sorted().toList();
    }

    /** The announcer keeping this hub listed at a tracker, or null when it does not announce. */
    public dev.idleclaw.announce.Announcer announcer() {
        return announcer;
    }

    /** The tracker follower syncing the peers file, or null when this hub follows no tracker. */
    public dev.idleclaw.peer.TrackerFollower follower() {
        return follower;
    }

    /** The Nostr follower syncing the peers file from relays, or null when this hub follows none. */
    public dev.idleclaw.peer.NostrFollower nostrFollower() {
        return nostrFollower;
    }

    /** The cluster's shared admission state, or null when the hub runs without {@code --cluster}. */
    public dev.idleclaw.cluster.SharedAdmission sharedAdmission() {
        return admission.shared();
    }

    /** This hub's part of the cluster's directory, or null when it runs without {@code --cluster}. */
    public dev.idleclaw.cluster.ClusterDirectory cluster() {
        return cluster;
    }

    /** Cluster forwarding (the member backends and the internal route), or null without {@code --cluster}. */
    public dev.idleclaw.cluster.ClusterForwarding forwarding() {
        return forwarding;
    }

    /** The build version from the jar manifest ({@code 0.1.0-dev} when run from classes), as cluster members show it. */
    private static String version() {
        String v = Hub.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** The hub's own key (nodes' authentication is bound to it). */
    public String publicKey() {
        return identity.publicKey();
    }

    public Ledger ledger() {
        return ledger;
    }

    public HubMetrics metrics() {
        return metrics;
    }

    /** The verification of the nodes' output (canaries, fingerprints, re-runs). */
    public Verification verification() {
        return verification;
    }

    /** The embeddings doors (Ollama's and OpenAI's). */
    public dev.idleclaw.front.embed.EmbedDoor embeddings() {
        return embeddings;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public HubInfo info() {
        return info;
    }

    /** The dashboard's stats feed ({@code /api/stats}, {@code /api/stats/stream}). */
    StatsFeed statsFeed() {
        return statsFeed;
    }

    public HubStats stats() {
        return stats;
    }

    public NodeRegistry registry() {
        return registry;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** True once shutdown began: new chats are refused. */
    public boolean draining() {
        return draining;
    }

    /**
     * Unannounces (bounded), refuses new chats, lets in-flight answers finish (up to the drain timeout), closes nodes
     * with 1001, stops.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        draining = true;
        // Withdraw first, so routers stop choosing this hub while it drains.
        var a = announcer;
        if (a != null) a.stop();
        if (cluster != null) cluster.close();
        scheduler.close();
        if (stats.active() > 0) log.info("draining {} in-flight answer(s) for up to {} s", stats.active(), config.relay().drainTimeout().toSeconds());
        awaitIdle(System.nanoTime() + config.relay().drainTimeout().toNanos());
        closeBackends();
        // Answers still running end with the "disconnected" error and [DONE] once their node's link closes;
        // give them a moment before the HTTP server stops, so consumers do not see a cut stream.
        awaitIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINISH_MILLIS));
        pause(COMPLETE_MILLIS);
        stats.save();
        timers.shutdownNow();
        statsFeed.close();
        app.stop();
        if (admission.shared() != null) admission.shared().close();
        if (clusterStore != null) clusterStore.close();
        heldCredits.close();
        standingJournal.close();
        ledger.close();
        if (backend != null) backend.close();
        log.info(config.role() == HubConfig.Role.WORKER ? "worker stopped" : "hub stopped");
    }

    /**
     * Stops as a crashed process would look from outside: the HTTP server stops at once, cutting every open
     * connection (answers in flight end mid-stream, no unannounce is sent), then the rest shuts down without a
     * drain. For failover tests; operators use {@link #close()}.
     */
    public synchronized void abort() {
        if (closed) return;
        closed = true;
        draining = true;
        var a = announcer;
        if (a != null) a.abandon();
        if (cluster != null) cluster.abandon();
        if (admission.shared() != null) admission.shared().abandon();
        if (clusterStore != null) clusterStore.close();
        scheduler.close();
        statsFeed.close();
        app.stop();
        closeBackends();
        timers.shutdownNow();
        stats.save();
        heldCredits.close();
        standingJournal.close();
        ledger.close();
        if (backend != null) backend.close();
        log.info("hub aborted");
    }

    /** Closes every backend's link with 1001: node connections, peers and the worker's own Ollama. */
    private void closeBackends() {
        nodeSocket.closeAll();
        if (peerBackends != null) peerBackends.closeAll();
        if (forwarding != null) forwarding.close();
        var own = local;
        if (own != null) own.link().close(1001, "server shutting down");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until no answer is in flight or {@code deadline} (a {@link System#nanoTime()} value) passes. */
    private void awaitIdle(long deadline) {
        while (stats.active() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(DRAIN_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

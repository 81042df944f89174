package dev.idleclaw.worker;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.config.LedgerSettings;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.config.Worker;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.node.NodeUrls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code idleclaw worker} needs: where to listen, the local Ollama, the data directory (identity, ledger),
 * how many requests to run at once, the tier, and optionally where to announce itself. Messages name the option.
 *
 * @param identityFile null = {@code identity.json} in {@code dataDir}
 * @param ledger       null = {@code ledger.db} in {@code dataDir}
 * @param announce     null = do not announce
 * @param hub          last-minute changes to the hub's settings (tests shorten timeouts); may be null
 */
public record WorkerConfig(String host, int port, URI ollama, Path dataDir, Path identityFile, String ledger,
                           int maxConcurrent, String tier, long bootstrapAllowance, Announcer.Settings announce,
                           NodeTimings nodeTimings, Duration drainTimeout,
                           java.util.function.Consumer<HubConfig.Builder> hub) {
    /** Lobstah's worker port (lobstah-wire.md §1, §10). */
    public static final int DEFAULT_PORT = 17474;
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Ollama's own default, as Lobstah's engine uses it. */
    public static final String DEFAULT_OLLAMA = "http://127.0.0.1:11434";
    /**
     * Chat requests per minute per client address. A Lobstah router sends all its users' requests from one address,
     * so the hub's 20/min would throttle a whole router; the worker's real limit is its node's slots and queue.
     */
    static final int CHAT_RPM = 6_000, OTHER_RPM = 6_000;
    /** Open chats per client address, for the same reason; beyond the node's slots they wait in the queue. */
    static final int CHATS_PER_IP = 64;
    /**
     * Node connections per minute per address. Only the loopback listener takes them and only the worker's own key
     * registers, so the hub's 5/min would only let other local processes lock the worker's own node out.
     */
    static final int NODE_CONNECTS_PER_MINUTE = 600;

    public WorkerConfig {
        Objects.requireNonNull(host, "--host");
        if (host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        if (ollama == null) throw new IllegalArgumentException("--ollama (OLLAMA_HOST) is required");
        ollama = NodeUrls.ollamaUrl(ollama.toString());
        Objects.requireNonNull(dataDir, "--data-dir");
        if (maxConcurrent < 1 || maxConcurrent > NodeConfig.MAX_CONCURRENT) {
            throw new IllegalArgumentException("--max-concurrent must be between 1 and " + NodeConfig.MAX_CONCURRENT + ", got " + maxConcurrent);
        }
        if (tier == null) tier = Worker.DEFAULT_TIER;
        if (!dev.idleclaw.announce.Announcement.TIERS.contains(tier)) {
            throw new IllegalArgumentException("--tier must be interactive, batch or best-effort, got " + tier);
        }
        if (bootstrapAllowance < 0) throw new IllegalArgumentException("--bootstrap-allowance must not be negative, got " + bootstrapAllowance);
        if (ledger != null && ledger.isBlank()) ledger = null;
        if (nodeTimings == null) nodeTimings = NodeTimings.DEFAULTS;
        if (drainTimeout == null) drainTimeout = RelaySettings.DEFAULT_DRAIN_TIMEOUT;
    }

    /** A worker with every default, keeping its files in {@code dataDir}. */
    public static WorkerConfig of(URI ollama, Path dataDir) {
        return new WorkerConfig(DEFAULT_HOST, DEFAULT_PORT, ollama, dataDir, null, null, NodeConfig.DEFAULT_MAX_CONCURRENT,
                null, LedgerSettings.DEFAULT_BOOTSTRAP_ALLOWANCE, null, null, null, null);
    }

    public WorkerConfig withListen(String h, int p) {
        return new WorkerConfig(h, p, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, bootstrapAllowance, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withIdentityFile(Path f) {
        return new WorkerConfig(host, port, ollama, dataDir, f, ledger, maxConcurrent, tier, bootstrapAllowance, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withLedger(String l) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, l, maxConcurrent, tier, bootstrapAllowance, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withMaxConcurrent(int n) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, n, tier, bootstrapAllowance, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withTier(String t) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, t, bootstrapAllowance, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withBootstrapAllowance(long a) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, a, announce, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withAnnounce(Announcer.Settings a) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, bootstrapAllowance, a, nodeTimings, drainTimeout, hub);
    }

    public WorkerConfig withNodeTimings(NodeTimings t) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, bootstrapAllowance, announce, t, drainTimeout, hub);
    }

    public WorkerConfig withDrainTimeout(Duration d) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, bootstrapAllowance, announce, nodeTimings, d, hub);
    }

    public WorkerConfig withHub(java.util.function.Consumer<HubConfig.Builder> h) {
        return new WorkerConfig(host, port, ollama, dataDir, identityFile, ledger, maxConcurrent, tier, bootstrapAllowance, announce, nodeTimings, drainTimeout, h);
    }

    /** The identity file actually used. */
    public Path identityPath() {
        return identityFile != null ? identityFile : dataDir.resolve("identity.json");
    }

    /** The hub this worker runs, in the worker profile. */
    HubConfig hubConfig() {
        return HubConfig.builder(dataDir).apply(b -> {
            b.host = host;
            b.port = port;
            b.ledger = ledger;
            b.bootstrapAllowance = bootstrapAllowance;
            b.drainTimeout = drainTimeout;
            b.chatRpm = CHAT_RPM;
            b.defaultRpm = OTHER_RPM;
            b.maxChatsPerIp = CHATS_PER_IP;
            b.wsRpm = NODE_CONNECTS_PER_MINUTE;
            // One node, our own: hidden checks and re-runs would only spend its Ollama's time.
            b.canaryRate = 0;
            b.rerunShare = 0;
            b.corsOrigins = java.util.List.of();
            b.worker = new Worker(tier, ollama, identityPath());
            if (hub != null) hub.accept(b);
        }).build();
    }
}

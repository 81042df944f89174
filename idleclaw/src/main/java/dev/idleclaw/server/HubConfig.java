package dev.idleclaw.server;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.front.ChatDialect;
import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.config.Federation;
import dev.idleclaw.config.LedgerSettings;
import dev.idleclaw.config.Limits;
import dev.idleclaw.config.NodeLinks;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.config.ToolSettings;
import dev.idleclaw.config.VerifySettings;
import dev.idleclaw.config.TrustSettings;
import dev.idleclaw.config.Worker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a hub needs to run: one validated part per component, which receives only its part. Defaults follow
 * the IdleClaw server (idleclaw-wire.md §6–§7); each part says why its values are what they are, and its messages
 * name the command-line option.
 *
 * @param dataDir           where the hub keeps its identity, counters and (by default) ledger
 * @param statsSaveInterval how often the counters are written to {@code dataDir}
 * @param worker            null: a network hub; set: {@code idleclaw worker}
 * @param tools             the server-side tools (none without a search URL)
 * @param verify            the checks of the nodes' output (canaries, fingerprints, re-runs)
 * @param trust             probation and suspension of nodes (docs/trust.md)
 * @param cluster           null: a hub on its own; set: a member of the cluster sharing this Redis store
 */
public record HubConfig(Path dataDir, Duration statsSaveInterval, Listen listen, Limits limits, RelaySettings relay,
                        NodeLinks nodeLinks, LedgerSettings ledger, Federation federation, Worker worker, ToolSettings tools,
                        VerifySettings verify, TrustSettings trust, ClusterSettings cluster) {

    /** Upstream persists its counters every minute. */
    public static final Duration DEFAULT_STATS_SAVE = Duration.ofSeconds(60);

    /** What a hub runs as: a network hub ({@code idleclaw server}) or one machine's Lobstah worker ({@code idleclaw worker}). */
    public enum Role { HUB, WORKER }

    public HubConfig {
        Objects.requireNonNull(dataDir, "--data-dir");
        require(statsSaveInterval != null && !statsSaveInterval.isNegative(), "timeouts must be zero or positive");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(nodeLinks, "nodeLinks");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(federation, "federation");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(trust, "trust");
        require(cluster == null || worker == null, "a worker is one machine's hub: --cluster is for network hubs");
        require(federation.announce() == null || worker == null, "a worker announces itself; set WorkerConfig.announce instead");
    }

    /** {@link Role#WORKER} when a worker profile is set. */
    public Role role() {
        return worker == null ? Role.HUB : Role.WORKER;
    }

    /** A hub with every default, keeping its files in {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /**
     * Mutable builder: start from the defaults and change only what differs. Its fields are the options one by one
     * (see the parts for what each means); {@link #build()} assembles and validates the parts.
     */
    public static final class Builder {
        public String host = Listen.DEFAULT_HOST;
        public int port = Listen.DEFAULT_PORT, ollamaPort = Listen.NO_OLLAMA_PORT;
        public ChatDialect.Mode chatDialect = ChatDialect.Mode.AUTO;
        public Path dataDir;
        public String adminToken = "";
        public List<String> corsOrigins = List.of("http://localhost:3000");
        public List<String> trustedProxies = List.of();
        public URI publicUrl;
        public int chatRpm = Limits.DEFAULT_CHAT_RPM, wsRpm = Limits.DEFAULT_WS_RPM, defaultRpm = Limits.DEFAULT_OTHER_RPM;
        public int maxNodesPerIp = Limits.DEFAULT_NODES_PER_IP, maxChatsPerIp = Limits.DEFAULT_CHATS_PER_IP;
        public int queueCapacity = RelaySettings.DEFAULT_QUEUE_CAPACITY;
        public Duration queueTimeout = RelaySettings.DEFAULT_QUEUE_TIMEOUT, registrationTimeout = NodeLinks.DEFAULT_REGISTRATION_TIMEOUT;
        public Duration heartbeatTimeout = NodeLinks.DEFAULT_HEARTBEAT_TIMEOUT, evictionScan = NodeLinks.DEFAULT_EVICTION_SCAN;
        public Duration pingInterval = NodeLinks.DEFAULT_PING_INTERVAL, pongTimeout = NodeLinks.DEFAULT_PONG_TIMEOUT;
        public Duration chunkTimeout = RelaySettings.DEFAULT_CHUNK_TIMEOUT, responseTimeout = RelaySettings.DEFAULT_RESPONSE_TIMEOUT;
        public Duration keepAliveInterval = RelaySettings.DEFAULT_KEEP_ALIVE, drainTimeout = RelaySettings.DEFAULT_DRAIN_TIMEOUT;
        public Duration statsSaveInterval = DEFAULT_STATS_SAVE;
        /** Hidden checks per node per hour (0: off) and the share of consumer chats re-run on a second node (0: none). */
        public double canaryRate = VerifySettings.DEFAULT_CANARY_RATE, rerunShare = VerifySettings.DEFAULT_RERUN_SHARE;
        /** Nodes on one address count as independent for re-runs: a test fleet on one machine only. */
        public boolean verifySameAddress;
        public int maxResponseChars = RelaySettings.DEFAULT_MAX_RESPONSE_CHARS, relayBufferChunks = RelaySettings.DEFAULT_RELAY_BUFFER;
        public List<String> contentDenyPatterns = List.of();
        /** Null: {@code ledger.db} in the data directory. */
        public String ledger;
        public long bootstrapAllowance = LedgerSettings.DEFAULT_BOOTSTRAP_ALLOWANCE;
        public Path peersFile;
        public boolean localPeers;
        public boolean nodeListener = true;
        public Worker worker;
        public Announcer.Settings announce;
        public List<URI> syncFrom = List.of();
        /** {@code --sync-nostr}: relays whose announcements are synced like a tracker's. */
        public List<URI> syncNostr = List.of();
        public Duration syncInterval = Federation.DEFAULT_SYNC_INTERVAL;
        public Duration peerCapacityTtl = dev.idleclaw.peer.PeerDirectory.CAPACITY_TTL, peerCooldown = dev.idleclaw.peer.PeerDirectory.COOLDOWN;
        public boolean tracker;
        public boolean publicLedger;
        public int maxConnectionsPerIp = Listen.DEFAULT_CONNECTIONS_PER_IP;
        public Duration headerTimeout = Listen.DEFAULT_HEADER_TIMEOUT;
        public long minBodyRate = Listen.DEFAULT_MIN_BODY_RATE;
        public long maxBodyBytes = Listen.DEFAULT_MAX_BODY_BYTES;
        public int maxMessages = Limits.DEFAULT_MAX_MESSAGES;
        /** The pages for people (chat, …); a worker never serves them. */
        public boolean web = true;
        public URI searchUrl;
        public boolean toolFetch, toolsForAllDoors;
        public Duration toolTimeout = ToolSettings.DEFAULT_TIMEOUT;
        public int toolCallsPerMinute = ToolSettings.DEFAULT_CALLS_PER_MINUTE;
        public int probationChecks = TrustSettings.DEFAULT_PROBATION_CHECKS, probationAnswers = TrustSettings.DEFAULT_PROBATION_ANSWERS;
        public double probationShare = TrustSettings.DEFAULT_PROBATION_SHARE, suspendBelow = TrustSettings.DEFAULT_SUSPEND_BELOW;
        /** Addresses web_fetch may reach despite their block: a test's page server only. */
        public java.util.function.Predicate<java.net.InetAddress> fetchExempt;
        /** {@code --cluster} and {@code --cluster-url}; null or blank: no cluster. */
        public String cluster, clusterUrl;
        /** How long cluster entries live without a refresh: tests shorten it to see a dead hub vanish quickly. */
        public Duration clusterTtl = ClusterSettings.DEFAULT_TTL;
        /** The cluster's key prefix: tests give each run its own, so they can share one Redis. */
        public String clusterPrefix = ClusterSettings.DEFAULT_PREFIX;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder apply(Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        public HubConfig build() {
            var listen = new Listen(host, port, ollamaPort, chatDialect, corsOrigins, trustedProxies, publicUrl, nodeListener,
                    maxConnectionsPerIp, headerTimeout, minBodyRate, maxBodyBytes, web && worker == null);
            Objects.requireNonNull(dataDir, "--data-dir");
            String ledgerAt = ledger == null || ledger.isBlank() ? dataDir.resolve(dev.idleclaw.ledger.Ledgers.DEFAULT_FILE).toString() : ledger;
            return new HubConfig(dataDir, statsSaveInterval, listen,
                    new Limits(chatRpm, wsRpm, defaultRpm, maxNodesPerIp, maxChatsPerIp, maxMessages, contentDenyPatterns),
                    new RelaySettings(queueCapacity, queueTimeout, chunkTimeout, responseTimeout, keepAliveInterval, drainTimeout,
                            relayBufferChunks, maxResponseChars),
                    new NodeLinks(registrationTimeout, heartbeatTimeout, evictionScan, pingInterval, pongTimeout),
                    new LedgerSettings(ledgerAt, bootstrapAllowance, publicLedger, adminToken),
                    new Federation(peersFile, localPeers, syncFrom, syncInterval, peerCapacityTtl, peerCooldown, tracker, announce, syncNostr),
                    worker, new ToolSettings(searchUrl, toolFetch, toolsForAllDoors, toolTimeout, toolCallsPerMinute, fetchExempt),
                    new VerifySettings(canaryRate, rerunShare, verifySameAddress),
                    // A worker's nodes are its owner's own machines: no probation (docs/trust.md).
                    new TrustSettings(worker == null ? probationChecks : 0, probationAnswers, probationShare, suspendBelow),
                    ClusterSettings.of(cluster, clusterUrl, clusterTtl, clusterPrefix));
        }
    }
}

package dev.idleclaw.hub;

import dev.idleclaw.front.ChatDialect;
import dev.idleclaw.hub.web.ClientIp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a hub needs to run, validated once. Defaults follow the IdleClaw server (idleclaw-wire.md §6–§7);
 * each comment says why the value is what it is. Error messages name the command-line option.
 */
public record HubConfig(
        String host, int port, int ollamaPort, ChatDialect.Mode chatDialect, Path dataDir, String adminToken, List<String> corsOrigins, List<String> trustedProxies,
        java.net.URI publicUrl,
        int chatRpm, int wsRpm, int defaultRpm, int maxNodesPerIp, int maxChatsPerIp,
        int queueCapacity, Duration queueTimeout, Duration registrationTimeout, Duration heartbeatTimeout,
        Duration evictionScan, Duration pingInterval, Duration pongTimeout, Duration chunkTimeout,
        Duration responseTimeout, Duration keepAliveInterval, Duration drainTimeout, Duration statsSaveInterval,
        Duration probeInterval,
        int maxResponseChars, int relayBufferChunks, List<String> contentDenyPatterns, String ledger, long bootstrapAllowance,
        Path peersFile, boolean localPeers, boolean nodeListener, Worker worker,
        dev.idleclaw.announce.Announcer.Settings announce, List<java.net.URI> syncFrom, Duration syncInterval,
        Duration peerCapacityTtl, Duration peerCooldown, boolean tracker, boolean publicLedger,
        int maxConnectionsPerIp, Duration headerTimeout, long minBodyRate, long maxBodyBytes, int maxMessages) {

    /** Loopback: a hub is exposed only when the operator says so. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The IdleClaw server's port; clients default to it. */
    public static final int DEFAULT_PORT = 8000;
    /** No second, Ollama-only listener unless asked for. */
    public static final int NO_OLLAMA_PORT = -1;
    /** Upstream per-IP budgets per minute: chat is the expensive path, node sockets are rare, the rest cheap. */
    public static final int DEFAULT_CHAT_RPM = 20, DEFAULT_WS_RPM = 5, DEFAULT_OTHER_RPM = 60;
    /** Upstream: one household or NAT gets three nodes and three simultaneous chats. */
    public static final int DEFAULT_NODES_PER_IP = 3, DEFAULT_CHATS_PER_IP = 3;
    /**
     * Open connections per address (HTTP, streams and node sockets alike): a browser opens 6 per host, three nodes
     * and three chats take 6 more, and an agent's pool a few; 64 leaves a household NAT room while one address can
     * hold only a small share of the process's file descriptors.
     */
    public static final int DEFAULT_CONNECTIONS_PER_IP = 64;
    /** A request's headers arrive in one packet from a real client; 10 s covers a slow mobile link many times over. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Bytes per second a body must average: 8 kbit/s is below any real link, and a 256 KiB agent turn still gets 4 minutes. */
    public static final long DEFAULT_MIN_BODY_RATE = 1_024;
    /**
     * Largest request body: an agent's turn (a 25k-character system prompt, a dozen tool schemas, a long history) is
     * 100–300 KiB, and images in base64 add a few MiB; bigger is not a chat.
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    /**
     * Messages per request on the Ollama, OpenAI, Responses and Anthropic doors: an agent adds two per tool step, and
     * a long session runs to a few hundred before it compacts (the IdleClaw door keeps the original's 50).
     */
    public static final int DEFAULT_MAX_MESSAGES = 500;
    /** Waiting chats when every node is busy: enough for bursts, small enough to answer 503 fast under overload. */
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    /** How long a chat waits for a free node before 503; shorter than common client read timeouts. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    /** Upstream: a node must register within 10 s of connecting. */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(10);
    /** Three missed 15 s heartbeats mean the node is gone. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(45);
    /** Upstream eviction scan period, one heartbeat interval. */
    public static final Duration DEFAULT_EVICTION_SCAN = Duration.ofSeconds(15);
    /** WebSocket ping period and pong deadline, as Python websockets/uvicorn use. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20), DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(20);
    /** A node silent this long on a request has stalled. */
    public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(60);
    /** Upstream cap on one answer's wall time. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    /** SSE comment period: consume.py reads with a 120 s per-read timeout and proxies cut idle streams. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long shutdown lets in-flight answers finish. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Upstream persists its counters every minute. */
    public static final Duration DEFAULT_STATS_SAVE = Duration.ofSeconds(60);
    /** Upstream probes one random node every five minutes; zero turns probing off. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(300);
    /** Upstream caps an IdleClaw-dialect answer at 4,096 characters of content. */
    public static final int DEFAULT_MAX_RESPONSE_CHARS = 4_096;
    /** Chunks buffered per request between the node link and a consumer; overflow means the consumer stalled. */
    public static final int DEFAULT_RELAY_BUFFER = 1_000;
    /** Credit every new consumer key starts with (Lobstah's bootstrap allowance). */
    public static final long DEFAULT_BOOTSTRAP_ALLOWANCE = 10_000;

    /** Trackers are read once at start and then every minute (see {@link dev.idleclaw.peer.TrackerFollower}). */
    public static final Duration DEFAULT_SYNC_INTERVAL = dev.idleclaw.peer.TrackerFollower.DEFAULT_INTERVAL;

    /** What a hub runs as: a network hub ({@code idleclaw server}) or one machine's Lobstah worker ({@code idleclaw worker}). */
    public enum Role { HUB, WORKER }

    /**
     * The worker profile ({@code idleclaw worker}, lobstah-wire.md §7, §11a): the hub serves one machine's Ollama
     * through its own node agent, which may connect only on a separate loopback listener and only with the hub's own
     * key; the Lobstah worker routes ({@code /}, {@code /pubkey}, {@code /capacity}) are added, {@code /v1/models}
     * says {@code owned_by: "lobstah:<key prefix>"}, a bare {@code x-lobstah-requester} is named in receipts without
     * being debited, and a proved requester without credit gets 402.
     *
     * @param tier         the tier {@code /capacity} reports ({@code interactive}, {@code batch} or {@code best-effort})
     * @param ollama       the local Ollama, asked for its health by {@code /capacity}
     * @param identityFile the worker's key file; null = {@code identity.json} in the data directory
     */
    public record Worker(String tier, java.net.URI ollama, Path identityFile) {
        public static final String DEFAULT_TIER = "best-effort";

        public Worker {
            if (tier == null) tier = DEFAULT_TIER;
            require(dev.idleclaw.announce.Announcement.TIERS.contains(tier),
                    "--tier must be interactive, batch or best-effort, got " + tier);
            Objects.requireNonNull(ollama, "--ollama");
        }
    }

    /** {@link Role#WORKER} when a worker profile is set. */
    public Role role() {
        return worker == null ? Role.HUB : Role.WORKER;
    }

    public HubConfig {
        Objects.requireNonNull(host, "--host");
        require(!host.isBlank(), "--host must not be empty");
        require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
        require(ollamaPort == NO_OLLAMA_PORT || ollamaPort >= 0 && ollamaPort <= 65535,
                "--ollama-port must be between 0 and 65535, got " + ollamaPort);
        require(ollamaPort <= 0 || ollamaPort != port, "--ollama-port must differ from --port");
        Objects.requireNonNull(chatDialect, "--chat-dialect");
        Objects.requireNonNull(dataDir, "--data-dir");
        if (ledger == null || ledger.isBlank()) ledger = dataDir.resolve(dev.idleclaw.ledger.Ledgers.DEFAULT_FILE).toString();
        require(bootstrapAllowance >= 0, "--bootstrap-allowance must not be negative, got " + bootstrapAllowance);
        adminToken = adminToken == null ? "" : adminToken;
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        contentDenyPatterns = List.copyOf(contentDenyPatterns);
        require(chatRpm > 0, "--rate-limit-chat must be positive, got " + chatRpm);
        require(wsRpm > 0, "--rate-limit-ws must be positive, got " + wsRpm);
        require(defaultRpm > 0, "--rate-limit-default must be positive, got " + defaultRpm);
        require(maxNodesPerIp > 0, "--max-nodes-per-ip must be positive, got " + maxNodesPerIp);
        require(maxChatsPerIp > 0, "--max-chats-per-ip must be positive, got " + maxChatsPerIp);
        require(maxConnectionsPerIp > 0, "--max-connections-per-ip must be positive, got " + maxConnectionsPerIp);
        require(headerTimeout != null && headerTimeout.isPositive(), "--header-timeout must be positive");
        require(minBodyRate >= 0, "--min-body-rate must be zero (off) or positive, got " + minBodyRate);
        require(queueCapacity >= 0, "--queue-size must be zero or more, got " + queueCapacity);
        require(maxBodyBytes >= MIN_BODY_BYTES, "--max-body-bytes must be at least " + MIN_BODY_BYTES + ", got " + maxBodyBytes);
        require(maxMessages >= MIN_MESSAGES, "--max-messages must be at least " + MIN_MESSAGES + ", got " + maxMessages);
        require(maxResponseChars > 0, "--max-response-chars must be positive, got " + maxResponseChars);
        require(relayBufferChunks > 0, "relay buffer must be positive");
        for (var d : List.of(queueTimeout, registrationTimeout, heartbeatTimeout, evictionScan, pingInterval, pongTimeout,
                chunkTimeout, responseTimeout, keepAliveInterval, drainTimeout, statsSaveInterval, probeInterval)) {
            require(d != null && !d.isNegative(), "timeouts must be zero or positive");
        }
        require(!chunkTimeout.isZero(), "--chunk-timeout must be positive");
        require(!responseTimeout.isZero(), "--response-timeout must be positive");
        require(!keepAliveInterval.isZero(), "keep-alive interval must be positive");
        syncFrom = syncFrom == null ? List.of() : List.copyOf(syncFrom);
        require(syncFrom.isEmpty() || peersFile != null, "--sync-from needs a peers file (--peers)");
        require(announce == null || worker == null, "a worker announces itself; set WorkerConfig.announce instead");
        if (syncInterval == null) syncInterval = DEFAULT_SYNC_INTERVAL;
        if (peerCapacityTtl == null) peerCapacityTtl = dev.idleclaw.peer.PeerDirectory.CAPACITY_TTL;
        if (peerCooldown == null) peerCooldown = dev.idleclaw.peer.PeerDirectory.COOLDOWN;
        require(syncInterval.isPositive(), "the sync interval must be positive");
        require(peerCapacityTtl.isPositive(), "the peer capacity TTL must be positive");
        require(!peerCooldown.isNegative(), "the peer cooldown must not be negative");
        for (String p : trustedProxies) ClientIp.parseRange(p);
        requirePublicUrl(publicUrl);
        for (String p : contentDenyPatterns) {
            try {
                java.util.regex.Pattern.compile(p);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("--deny-pattern '" + p + "' is not a valid regular expression");
            }
        }
    }

    /** The IdleClaw door's own limit: its 100,000 characters of content must always fit in a body. */
    static final long MIN_BODY_BYTES = 512 * 1024;
    /** The IdleClaw door's own message limit: the other doors never accept less. */
    static final int MIN_MESSAGES = 50;

    /** A hub with every default, keeping its files in {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Null (no public URL) or an http(s) URL naming only the hub's root: signatures name its host (docs/operations.md). */
    private static void requirePublicUrl(java.net.URI url) {
        if (url == null) return;
        String path = url.getRawPath();
        require(url.isAbsolute() && ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                        && url.getHost() != null && url.getRawUserInfo() == null && url.getRawQuery() == null
                        && url.getRawFragment() == null && (path == null || path.isEmpty() || path.equals("/")),
                "--public-url must be the hub's root URL as clients use it, e.g. https://hub.example.org, got '" + url + "'");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Mutable builder: start from the defaults and change only what differs. */
    public static final class Builder {
        public String host = DEFAULT_HOST;
        public int port = DEFAULT_PORT, ollamaPort = NO_OLLAMA_PORT;
        public ChatDialect.Mode chatDialect = ChatDialect.Mode.AUTO;
        public Path dataDir;
        public String adminToken = "";
        public List<String> corsOrigins = List.of("http://localhost:3000");
        public List<String> trustedProxies = List.of();
        /** Null: signed requests name the host they reach the hub by (Host, or X-Forwarded-Host from a trusted proxy). */
        public java.net.URI publicUrl;
        public int chatRpm = DEFAULT_CHAT_RPM, wsRpm = DEFAULT_WS_RPM, defaultRpm = DEFAULT_OTHER_RPM;
        public int maxNodesPerIp = DEFAULT_NODES_PER_IP, maxChatsPerIp = DEFAULT_CHATS_PER_IP;
        public int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        public Duration queueTimeout = DEFAULT_QUEUE_TIMEOUT, registrationTimeout = DEFAULT_REGISTRATION_TIMEOUT;
        public Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT, evictionScan = DEFAULT_EVICTION_SCAN;
        public Duration pingInterval = DEFAULT_PING_INTERVAL, pongTimeout = DEFAULT_PONG_TIMEOUT;
        public Duration chunkTimeout = DEFAULT_CHUNK_TIMEOUT, responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        public Duration keepAliveInterval = DEFAULT_KEEP_ALIVE, drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        public Duration statsSaveInterval = DEFAULT_STATS_SAVE, probeInterval = DEFAULT_PROBE_INTERVAL;
        public int maxResponseChars = DEFAULT_MAX_RESPONSE_CHARS, relayBufferChunks = DEFAULT_RELAY_BUFFER;
        public List<String> contentDenyPatterns = List.of();
        /** Null: {@code ledger.db} in the data directory. */
        public String ledger;
        public long bootstrapAllowance = DEFAULT_BOOTSTRAP_ALLOWANCE;
        /** Null: no peers (a plain hub). Else peers from this file are backends too (router, federated hub). */
        public Path peersFile;
        /** Allow loopback and private peer URLs (local setups and tests). */
        public boolean localPeers;
        /** False: no {@code /ws/node} (the router's one-user profile). */
        public boolean nodeListener = true;
        /** Null: a network hub; set: {@code idleclaw worker}. */
        public Worker worker;
        /** Null: do not announce; set: keep this hub listed at a tracker ({@code --announce-to}), models = its catalog. */
        public dev.idleclaw.announce.Announcer.Settings announce;
        /** Trackers whose peers are synced into {@link #peersFile} at start and every {@link #syncInterval} ({@code --sync-from}). */
        public List<java.net.URI> syncFrom = List.of();
        public Duration syncInterval = DEFAULT_SYNC_INTERVAL;
        /** How long a peer's capacity is trusted, and how long a failing peer sits out (tests shorten both). */
        public Duration peerCapacityTtl = dev.idleclaw.peer.PeerDirectory.CAPACITY_TTL, peerCooldown = dev.idleclaw.peer.PeerDirectory.COOLDOWN;
        /** True: a tracker is mounted at {@code /tracker} (its URL policy follows {@link #localPeers}). */
        public boolean tracker;
        /**
         * True: {@code /balance} and {@code /ledger} show every account and receipt to anyone; false: each caller
         * sees its own, the admin everything (docs/protocol.md "Who sees the ledger").
         */
        public boolean publicLedger;
        public int maxConnectionsPerIp = DEFAULT_CONNECTIONS_PER_IP;
        public Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        /** Bytes per second; 0 = no minimum. */
        public long minBodyRate = DEFAULT_MIN_BODY_RATE;
        public long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        public int maxMessages = DEFAULT_MAX_MESSAGES;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder apply(java.util.function.Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        public HubConfig build() {
            return new HubConfig(host, port, ollamaPort, chatDialect, dataDir, adminToken, corsOrigins, trustedProxies, publicUrl, chatRpm, wsRpm,
                    defaultRpm, maxNodesPerIp, maxChatsPerIp, queueCapacity, queueTimeout, registrationTimeout,
                    heartbeatTimeout, evictionScan, pingInterval, pongTimeout, chunkTimeout, responseTimeout,
                    keepAliveInterval, drainTimeout, statsSaveInterval, probeInterval, maxResponseChars, relayBufferChunks,
                    contentDenyPatterns, ledger, bootstrapAllowance, peersFile, localPeers, nodeListener, worker,
                    announce, syncFrom, syncInterval, peerCapacityTtl, peerCooldown, tracker, publicLedger,
                    maxConnectionsPerIp, headerTimeout, minBodyRate, maxBodyBytes, maxMessages);
        }
    }
}

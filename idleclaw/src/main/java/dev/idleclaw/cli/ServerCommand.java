package dev.idleclaw.cli;

import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.front.ChatDialect;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.home.DataDir;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.ledger.LedgerException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw server}: runs a hub until interrupted, then shuts down gracefully. {@code idleclaw server keys …}
 * manages API keys instead (see {@link ServerKeysCommand}).
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a hub: nodes connect on /ws/node, consumers chat on /api/chat.",
        subcommands = ServerKeysCommand.class)
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "${env:IDLECLAW_HOST:-127.0.0.1}",
            description = "Address to listen on; loopback unless you mean to expose the hub (env: IDLECLAW_HOST, default: 127.0.0.1).")
    String host;
    @Option(names = "--port", defaultValue = "${env:IDLECLAW_PORT:-8000}", description = "Port (env: IDLECLAW_PORT, default: 8000).")
    int port;
    @Option(names = "--ollama-port", defaultValue = "${env:IDLECLAW_OLLAMA_PORT:--1}",
            description = "Also listen here, serving /api/chat only in Ollama's dialect (for the Ollama CLI); -1 = off "
                    + "(env: IDLECLAW_OLLAMA_PORT, default: -1).")
    int ollamaPort;
    @Option(names = "--chat-dialect", defaultValue = "${env:IDLECLAW_CHAT_DIALECT:-auto}",
            description = "Dialect of POST /api/chat: auto (decided per request), idleclaw (SSE) or ollama (NDJSON) "
                    + "(env: IDLECLAW_CHAT_DIALECT, default: auto).")
    ChatDialect.Mode chatDialect;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the hub keeps its files (env: IDLECLAW_DATA_DIR, default: $HOME/.idleclaw).")
    Path dataDir;
    @Option(names = "--admin-token", defaultValue = "${env:ADMIN_TOKEN:-}",
            description = "Bearer token for /admin/*; empty disables admin (env: ADMIN_TOKEN, default: empty).")
    String adminToken;
    @Option(names = "--cors-origin", split = ",", defaultValue = "${env:CORS_ORIGINS:-http://localhost:3000}",
            description = "Allowed browser origins, comma-separated (env: CORS_ORIGINS, default: http://localhost:3000).")
    List<String> corsOrigins;
    @Option(names = "--trusted-proxy", split = ",", defaultValue = "${env:TRUSTED_PROXIES:-}",
            description = "Proxy addresses/CIDRs whose X-Forwarded-For and X-Forwarded-Host are believed (env: TRUSTED_PROXIES, default: none).")
    List<String> trustedProxies;
    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:IDLECLAW_PUBLIC_URL:-}",
            description = "The hub's URL as clients use it, e.g. https://hub.example.org; signed requests must then name its "
                    + "host (env: IDLECLAW_PUBLIC_URL, default: none: the Host, or X-Forwarded-Host from a trusted proxy).")
    String publicUrl;
    @Option(names = "--web", arity = "0..1", defaultValue = "${env:IDLECLAW_WEB:-true}", fallbackValue = "true",
            description = "Serve the pages for people: the chat at / (for browsers) and /chat; --web=false leaves an "
                    + "API-only hub (env: IDLECLAW_WEB=true|false, default: true).")
    boolean web;
    @Option(names = "--rate-limit-chat", defaultValue = "${env:RATE_LIMIT_CHAT_RPM:-20}",
            description = "Chat requests per minute per client (env: RATE_LIMIT_CHAT_RPM, default: 20).")
    int chatRpm;
    @Option(names = "--rate-limit-ws", defaultValue = "${env:RATE_LIMIT_WS_RPM:-5}",
            description = "Node connections per minute per address (env: RATE_LIMIT_WS_RPM, default: 5).")
    int wsRpm;
    @Option(names = "--rate-limit-default", defaultValue = "${env:RATE_LIMIT_DEFAULT_RPM:-60}",
            description = "Other API requests per minute per client (env: RATE_LIMIT_DEFAULT_RPM, default: 60).")
    int defaultRpm;
    @Option(names = "--max-nodes-per-ip", defaultValue = "${env:IDLECLAW_MAX_NODES_PER_IP:-3}",
            description = "Registered nodes per address (env: IDLECLAW_MAX_NODES_PER_IP, default: 3).")
    int maxNodesPerIp;
    @Option(names = "--max-chats-per-ip", defaultValue = "${env:IDLECLAW_MAX_CHATS_PER_IP:-3}",
            description = "Open chat streams per client (env: IDLECLAW_MAX_CHATS_PER_IP, default: 3).")
    int maxChatsPerIp;
    @Option(names = "--max-connections-per-ip", defaultValue = "${env:IDLECLAW_MAX_CONNECTIONS_PER_IP:-64}",
            description = "Open connections per client address, node sockets included; trusted proxies are exempt "
                    + "(env: IDLECLAW_MAX_CONNECTIONS_PER_IP, default: 64).")
    int maxConnectionsPerIp;
    @Option(names = "--header-timeout", defaultValue = "${env:IDLECLAW_HEADER_TIMEOUT:-10}",
            description = "Seconds a request's headers may take to arrive (env: IDLECLAW_HEADER_TIMEOUT, default: 10).")
    int headerTimeout;
    @Option(names = "--min-body-rate", defaultValue = "${env:IDLECLAW_MIN_BODY_RATE:-1024}",
            description = "Bytes per second a request body must average once it has taken --header-timeout; 0 = off "
                    + "(env: IDLECLAW_MIN_BODY_RATE, default: 1024).")
    long minBodyRate;
    @Option(names = "--max-body-bytes", defaultValue = "${env:IDLECLAW_MAX_BODY_BYTES:-8388608}",
            description = "Largest request body in bytes, at least 524288 (env: IDLECLAW_MAX_BODY_BYTES, default: 8388608 = 8 MiB).")
    long maxBodyBytes;
    @Option(names = "--max-messages", defaultValue = "${env:IDLECLAW_MAX_MESSAGES:-500}",
            description = "Messages per request on the Ollama, OpenAI and Anthropic doors, at least 50; the IdleClaw "
                    + "door keeps 50 (env: IDLECLAW_MAX_MESSAGES, default: 500).")
    int maxMessages;
    @Option(names = "--queue-size", defaultValue = "${env:IDLECLAW_QUEUE_SIZE:-256}",
            description = "Chats that may wait for a busy network (env: IDLECLAW_QUEUE_SIZE, default: 256).")
    int queueSize;
    @Option(names = "--queue-timeout", defaultValue = "${env:IDLECLAW_QUEUE_TIMEOUT:-10}",
            description = "Seconds a chat waits for a free node before 503 (env: IDLECLAW_QUEUE_TIMEOUT, default: 10).")
    int queueTimeout;
    @Option(names = "--chunk-timeout", defaultValue = "${env:IDLECLAW_CHUNK_TIMEOUT:-60}",
            description = "Seconds of node silence that fail an answer (env: IDLECLAW_CHUNK_TIMEOUT, default: 60).")
    int chunkTimeout;
    @Option(names = "--response-timeout", defaultValue = "${env:IDLECLAW_RESPONSE_TIMEOUT:-120}",
            description = "Seconds one answer may take in all (env: IDLECLAW_RESPONSE_TIMEOUT, default: 120).")
    int responseTimeout;
    @Option(names = "--drain-timeout", defaultValue = "${env:IDLECLAW_DRAIN_TIMEOUT:-30}",
            description = "Seconds shutdown waits for in-flight answers (env: IDLECLAW_DRAIN_TIMEOUT, default: 30).")
    int drainTimeout;
    @Option(names = "--ledger", paramLabel = "TARGET", defaultValue = "${env:IDLECLAW_LEDGER:-}",
            description = "Credit ledger: a SQLite file or jdbc:postgresql://… (env: IDLECLAW_LEDGER, default: ledger.db in --data-dir).")
    String ledger;
    @Option(names = "--bootstrap-allowance", defaultValue = "${env:IDLECLAW_BOOTSTRAP_ALLOWANCE:-10000}",
            description = "Tokens of credit every new consumer key starts with (env: IDLECLAW_BOOTSTRAP_ALLOWANCE, default: 10000).")
    long bootstrapAllowance;
    @Option(names = "--canary-rate", defaultValue = "${env:IDLECLAW_CANARY_RATE:-4}",
            description = "Hidden checks (canaries and model fingerprints) per node per hour, at random times; 0 turns them "
                    + "off (env: IDLECLAW_CANARY_RATE, default: 4).")
    double canaryRate;
    @Option(names = "--rerun-share", defaultValue = "${env:IDLECLAW_RERUN_SHARE:-0.01}",
            description = "Share of consumer chats (those that set no temperature or seed) answered greedily and re-run on a "
                    + "second node to compare; 0 turns re-runs off (env: IDLECLAW_RERUN_SHARE, default: 0.01).")
    double rerunShare;
    @Option(names = "--verify-same-address", hidden = true,
            description = "Let nodes on one address (under different keys) check each other: a benchmark fleet on one machine only.")
    boolean verifySameAddress;
    @Option(names = "--probation-checks", defaultValue = "${env:IDLECLAW_PROBATION_CHECKS:-5}",
            description = "Checks (probes, canaries, …) a new node key passes before it leaves probation; its credits are "
                    + "held until then (env: IDLECLAW_PROBATION_CHECKS, default: 5).")
    int probationChecks;
    @Option(names = "--probation-answers", defaultValue = "${env:IDLECLAW_PROBATION_ANSWERS:-10}",
            description = "Consumer answers a new node key relays without a suspicion flag before it leaves probation (lies"
                    + " about counts or speed show only there) (env: IDLECLAW_PROBATION_ANSWERS, default: 10).")
    int probationAnswers;
    @Option(names = "--probation-share", defaultValue = "${env:IDLECLAW_PROBATION_SHARE:-0.1}",
            description = "Most of a model's requests nodes on probation get while a trusted node is free, 0..1 "
                    + "(env: IDLECLAW_PROBATION_SHARE, default: 0.1).")
    double probationShare;
    @Option(names = "--suspend-below", defaultValue = "${env:IDLECLAW_SUSPEND_BELOW:-0.2}",
            description = "Reputation below which a node gets no consumer traffic (checks still reach it, so it can "
                    + "recover) (env: IDLECLAW_SUSPEND_BELOW, default: 0.2).")
    double suspendBelow;
    @Option(names = "--max-response-chars", defaultValue = "${env:IDLECLAW_MAX_RESPONSE_CHARS:-4096}",
            description = "Content characters per IdleClaw-dialect answer (env: IDLECLAW_MAX_RESPONSE_CHARS, default: 4096).")
    int maxResponseChars;
    @Option(names = "--deny-pattern", split = "\\|\\|", splitSynopsisLabel = "||", defaultValue = "${env:IDLECLAW_DENY_PATTERNS:-}",
            description = "Regexes that reject a chat message with 400, separated by || (env: IDLECLAW_DENY_PATTERNS, default: none).")
    List<String> denyPatterns;
    @Option(names = "--peers", paramLabel = "FILE",
            description = "Peers file: other hubs and workers this hub may also send chats to (default: none; "
                    + "peers.json in --data-dir when --sync-from is given).")
    Path peers;
    @Option(names = "--local-peers", defaultValue = "${env:IDLECLAW_PEERS_LOCAL:-false}",
            description = "Allow peers on loopback and private addresses (env: IDLECLAW_PEERS_LOCAL=true|false, default: false).")
    boolean localPeers;
    @Option(names = "--tracker", defaultValue = "${env:IDLECLAW_HUB_TRACKER:-false}",
            description = "Also run a peer tracker at /tracker (/tracker/announce, /tracker/unannounce, /tracker/peers); "
                    + "--local-peers lets it list loopback and private URLs (env: IDLECLAW_HUB_TRACKER=true|false, default: false).")
    boolean tracker;
    @Option(names = "--public-ledger", defaultValue = "${env:IDLECLAW_PUBLIC_LEDGER:-false}",
            description = "Show every account and receipt on /balance and /ledger to anyone; otherwise each caller sees its "
                    + "own and the admin all (env: IDLECLAW_PUBLIC_LEDGER=true|false, default: false).")
    boolean publicLedger;
    @Option(names = "--search-url", paramLabel = "URL", defaultValue = "${env:IDLECLAW_SEARCH_URL:-}",
            description = "A SearXNG instance (its JSON format enabled) for the server-side web_search tool; without it no "
                    + "tool is offered (env: IDLECLAW_SEARCH_URL, default: none).")
    String searchUrl;
    @Option(names = "--tool-fetch", defaultValue = "${env:IDLECLAW_TOOL_FETCH:-false}",
            description = "Also offer web_fetch: one public page's text, never a loopback, private or link-local address "
                    + "(env: IDLECLAW_TOOL_FETCH=true|false, default: false).")
    boolean toolFetch;
    @Option(names = "--tools-for-all-doors", defaultValue = "${env:IDLECLAW_TOOLS_FOR_ALL_DOORS:-false}",
            description = "Offer the server-side tools on Ollama's /api/chat too (the IdleClaw door always, the OpenAI door "
                    + "for web_search_options) (env: IDLECLAW_TOOLS_FOR_ALL_DOORS=true|false, default: false).")
    boolean toolsForAllDoors;
    @Option(names = "--tool-timeout", defaultValue = "${env:IDLECLAW_TOOL_TIMEOUT:-15}",
            description = "Seconds one tool call may take (env: IDLECLAW_TOOL_TIMEOUT, default: 15).")
    long toolTimeout;
    @Option(names = "--cluster", paramLabel = "REDIS_URL", defaultValue = "${env:IDLECLAW_CLUSTER:-}",
            description = "Join the cluster of hubs sharing this Redis store, redis://host:port[/db]; needs --cluster-url "
                    + "(env: IDLECLAW_CLUSTER, default: no cluster, Redis untouched).")
    String cluster;
    @Option(names = "--cluster-url", paramLabel = "URL", defaultValue = "${env:IDLECLAW_CLUSTER_URL:-}",
            description = "This hub's address as the other cluster members reach it, e.g. http://10.0.0.5:8000 "
                    + "(env: IDLECLAW_CLUSTER_URL; required with --cluster).")
    String clusterUrl;
    @Option(names = "--cluster-prefix", paramLabel = "PREFIX", defaultValue = "${env:IDLECLAW_CLUSTER_PREFIX:-" + ClusterSettings.DEFAULT_PREFIX + "}",
            description = "Start of every Redis key this hub writes or reads, so several clusters (or benchmark runs) can share one "
                    + "Redis; every member of a cluster must use the same (env: IDLECLAW_CLUSTER_PREFIX, default: ${DEFAULT-VALUE}).")
    String clusterPrefix;
    @Mixin
    FederationOptions.Sync sync;
    @Mixin
    FederationOptions.Announce announce;

    @Override
    public Integer call() throws InterruptedException {
        HubConfig config;
        try {
            var announcing = announce.settings();
            var trackers = sync.uris();
            var relays = sync.relays();
            Path dir = dataDir != null ? dataDir : DataDir.current().dir();
            Path peersFile = peers != null ? peers : trackers.isEmpty() && relays.isEmpty() ? null : dir.resolve("peers.json");
            config = HubConfig.builder(dir).apply(b -> {
                b.host = host;
                b.port = port;
                b.ollamaPort = ollamaPort;
                b.chatDialect = chatDialect;
                b.adminToken = adminToken;
                b.publicLedger = publicLedger;
                b.corsOrigins = nonEmpty(corsOrigins);
                b.trustedProxies = nonEmpty(trustedProxies);
                b.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUri(publicUrl.strip());
                b.web = web;
                b.chatRpm = chatRpm;
                b.wsRpm = wsRpm;
                b.defaultRpm = defaultRpm;
                b.maxNodesPerIp = maxNodesPerIp;
                b.maxChatsPerIp = maxChatsPerIp;
                b.maxConnectionsPerIp = maxConnectionsPerIp;
                b.headerTimeout = Duration.ofSeconds(headerTimeout);
                b.minBodyRate = minBodyRate;
                b.maxBodyBytes = maxBodyBytes;
                b.maxMessages = maxMessages;
                b.queueCapacity = queueSize;
                b.queueTimeout = Duration.ofSeconds(queueTimeout);
                b.chunkTimeout = Duration.ofSeconds(chunkTimeout);
                b.responseTimeout = Duration.ofSeconds(responseTimeout);
                b.drainTimeout = Duration.ofSeconds(drainTimeout);
                b.maxResponseChars = maxResponseChars;
                b.canaryRate = canaryRate;
                b.rerunShare = rerunShare;
                b.verifySameAddress = verifySameAddress;
                b.probationChecks = probationChecks;
                b.probationAnswers = probationAnswers;
                b.probationShare = probationShare;
                b.suspendBelow = suspendBelow;
                b.ledger = ledger == null || ledger.isBlank() ? null : ledger;
                b.bootstrapAllowance = bootstrapAllowance;
                b.contentDenyPatterns = nonEmpty(denyPatterns);
                b.peersFile = peersFile;
                b.localPeers = localPeers;
                b.tracker = tracker;
                b.syncFrom = trackers;
                b.syncNostr = relays;
                b.announce = announcing;
                b.searchUrl = searchUrl == null || searchUrl.isBlank() ? null : uri("--search-url", searchUrl.strip());
                b.toolFetch = toolFetch;
                b.toolsForAllDoors = toolsForAllDoors;
                b.toolTimeout = Duration.ofSeconds(toolTimeout);
                b.cluster = cluster;
                b.clusterUrl = clusterUrl;
                b.clusterPrefix = clusterPrefix;
            }).build();
        } catch (IllegalArgumentException e) {
            System.err.println("idleclaw server: " + e.getMessage());
            return 2;
        }
        String busy = PortCheck.firstProblem(new PortCheck(host, port, "--host / IDLECLAW_HOST", "--port / IDLECLAW_PORT"),
                new PortCheck(host, ollamaPort, "--host / IDLECLAW_HOST", "--ollama-port / IDLECLAW_OLLAMA_PORT"));
        if (busy != null) {
            System.err.println("idleclaw server: " + busy);
            return 1;
        }
        Hub hub;
        try {
            hub = Hub.start(config);
        } catch (LedgerException | IdentityFileException | IllegalArgumentException e) {
            System.err.println("idleclaw server: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("idleclaw server: cannot listen on " + host + ":" + port + ": " + rootMessage(e));
            return 1;
        }
        var stopped = new CountDownLatch(1);
        Signals.onStop("hub", () -> {
            hub.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }

    private static java.net.URI publicUri(String url) {
        return uri("--public-url", url);
    }

    private static java.net.URI uri(String option, String url) {
        try {
            return new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: '" + url + "'");
        }
    }

    private static List<String> nonEmpty(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}

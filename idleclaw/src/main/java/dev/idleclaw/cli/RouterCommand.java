package dev.idleclaw.cli;

import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.config.Federation;
import dev.idleclaw.home.DataDir;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.ledger.LedgerException;
import dev.idleclaw.peer.PeersFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw router}: the hub's engine in a one-user profile — loopback, no node listener, every peer in the
 * peers file a backend — so an OpenAI SDK or Ollama app on this machine spreads its requests over hubs and workers
 * with failover, and keeps every receipt in its own ledger. Exit codes as {@code server}.
 */
@Command(name = "router", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a local router: OpenAI/Ollama endpoints in front of the hubs and workers in your peers file.")
final class RouterCommand implements Callable<Integer> {
    /** Lobstah's router port. */
    static final int DEFAULT_PORT = 17475;
    /** Chats per minute from one address: a local agent loop can easily send a few per second. */
    static final int ROUTER_CHAT_RPM = 6_000;
    /** Open chats per address: parallel tool calls and batch scripts on one machine. */
    static final int ROUTER_OPEN_CHATS = 64;

    @Option(names = "--host", defaultValue = "${env:IDLECLAW_ROUTER_HOST:-127.0.0.1}",
            description = "Address to listen on (env: IDLECLAW_ROUTER_HOST, default: 127.0.0.1).")
    String host;
    @Option(names = "--port", defaultValue = "${env:IDLECLAW_ROUTER_PORT:-" + DEFAULT_PORT + "}",
            description = "Port (env: IDLECLAW_ROUTER_PORT, default: " + DEFAULT_PORT + ").")
    int port;
    @Option(names = "--peers", paramLabel = "FILE", description = "Peers file (env: IDLECLAW_PEERS, default: peers.json in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw).")
    Path peers;
    @Option(names = "--local", defaultValue = "${env:IDLECLAW_PEERS_LOCAL:-false}",
            description = "Allow peers on loopback and private addresses (env: IDLECLAW_PEERS_LOCAL=true|false, default: false).")
    boolean local;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the router keeps its identity and ledger (env: IDLECLAW_DATA_DIR, default: $HOME/.idleclaw).")
    Path dataDir;
    @Option(names = "--ledger", paramLabel = "TARGET", defaultValue = "${env:IDLECLAW_LEDGER:-}",
            description = "Ledger: a SQLite file or jdbc:postgresql://… (env: IDLECLAW_LEDGER, default: ledger.db in --data-dir).")
    String ledger;
    @Option(names = "--public-ledger", arity = "0..1", defaultValue = "${env:IDLECLAW_PUBLIC_LEDGER}",
            description = "Show every account and receipt on /balance and /ledger to anyone (the dashboard's view); "
                    + "otherwise each caller sees its own (env: IDLECLAW_PUBLIC_LEDGER=true|false, default: true when "
                    + "--host is a loopback address, where only this machine's user can ask, else false).")
    Boolean publicLedger;
    @Mixin
    FederationOptions.Sync sync;

    /** Whether {@code host} names this machine only (a literal or {@code localhost}; never asks a DNS server). */
    static boolean loopback(String host) {
        String h = host.strip();
        if (h.equalsIgnoreCase("localhost")) return true;
        if (!h.matches("[0-9.]+|\\[?[0-9a-fA-F:.]+]?")) return false;
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        HubConfig config;
        try {
            var trackers = sync.uris();
            var relays = sync.relays();
            config = HubConfig.builder(dataDir != null ? dataDir : DataDir.current().dir()).apply(b -> {
                b.host = host;
                b.port = port;
                b.nodeListener = false;
                // One user on this machine: the hub's per-address budgets for a public network would throttle it.
                b.chatRpm = ROUTER_CHAT_RPM;
                b.maxChatsPerIp = ROUTER_OPEN_CHATS;
                b.syncFrom = trackers;
                b.syncNostr = relays;
                b.peersFile = peers != null ? peers : PeersFile.defaultPath();
                b.localPeers = local;
                b.ledger = ledger == null || ledger.isBlank() ? null : ledger;
                b.publicLedger = publicLedger != null ? publicLedger : loopback(host);
            }).build();
        } catch (IllegalArgumentException e) {
            System.err.println("idleclaw router: " + e.getMessage());
            return 2;
        }
        String busy = new PortCheck(host, port, "--host / IDLECLAW_ROUTER_HOST", "--port / IDLECLAW_ROUTER_PORT").problem();
        if (busy != null) {
            System.err.println("idleclaw router: " + busy);
            return 1;
        }
        Hub hub;
        try {
            hub = Hub.start(config);
        } catch (LedgerException | IdentityFileException | IllegalArgumentException e) {
            System.err.println("idleclaw router: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("idleclaw router: cannot listen on " + host + ":" + port + ": " + ServerCommand.rootMessage(e));
            return 1;
        }
        System.err.println("idleclaw router: peers from " + config.federation().peersFile()
                + (trackersNote(config.federation())) + "; point clients at http://" + host + ":"
                + hub.port() + "/v1 (OpenAI) or http://" + host + ":" + hub.port() + " (Ollama)");
        var stopped = new CountDownLatch(1);
        Signals.onStop("router", () -> {
            hub.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }

    private static String trackersNote(Federation federation) {
        var sources = new java.util.ArrayList<>(federation.syncFrom());
        sources.addAll(federation.syncNostr());
        return sources.isEmpty() ? "" : " (synced from " + sources.stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + " every " + federation.syncInterval().toSeconds() + " s)";
    }
}

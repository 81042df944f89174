package dev.idleclaw.cli;

import dev.idleclaw.announce.Announcer;
import dev.idleclaw.home.DataDir;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.ledger.LedgerException;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeStartupException;
import dev.idleclaw.node.NodeUrls;
import dev.idleclaw.worker.Worker;
import dev.idleclaw.worker.WorkerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code idleclaw worker}: a Lobstah-compatible worker in front of the local Ollama (lobstah-wire.md §7, §11a), until
 * Ctrl+C (or SIGTERM), which unannounces, drains and exits 0. Exit 2 for a bad option, 1 when it cannot listen or
 * open its files, 3 when Ollama is unreachable or has no models (as {@code contribute}).
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve your local Ollama as a Lobstah worker (/pubkey, /capacity, /v1/chat/completions with receipts).")
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "${env:IDLECLAW_WORKER_HOST:-" + WorkerConfig.DEFAULT_HOST + "}",
            description = "Address to listen on; loopback unless routers on other machines must reach it "
                    + "(env: IDLECLAW_WORKER_HOST, default: 127.0.0.1).")
    String host;
    @Option(names = "--port", defaultValue = "${env:IDLECLAW_WORKER_PORT:-17474}",
            description = "Port (env: IDLECLAW_WORKER_PORT, default: 17474).")
    int port;
    @Option(names = "--ollama", defaultValue = "${env:OLLAMA_HOST:-" + WorkerConfig.DEFAULT_OLLAMA + "}",
            description = "Local Ollama: http(s)://host[:port] or host:port (env: OLLAMA_HOST, default: " + WorkerConfig.DEFAULT_OLLAMA + ").")
    String ollama;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the worker keeps its identity and ledger (env: IDLECLAW_DATA_DIR, default: $HOME/.idleclaw).")
    Path dataDir;
    @Option(names = "--identity", paramLabel = "FILE", defaultValue = "${env:IDLECLAW_IDENTITY}",
            description = "The worker's key file, created if missing (env: IDLECLAW_IDENTITY, default: identity.json in --data-dir).")
    Path identity;
    @Option(names = "--ledger", paramLabel = "TARGET", defaultValue = "${env:IDLECLAW_LEDGER:-}",
            description = "Credit ledger: a SQLite file or jdbc:postgresql://… (env: IDLECLAW_LEDGER, default: ledger.db in --data-dir).")
    String ledger;
    @Option(names = "--max-concurrent", defaultValue = "${env:IDLECLAW_MAX_CONCURRENT:-" + NodeConfig.DEFAULT_MAX_CONCURRENT + "}",
            description = "Requests Ollama runs at once, 1..10 (env: IDLECLAW_MAX_CONCURRENT, default: 2).")
    int maxConcurrent;
    @Option(names = "--tier", defaultValue = "best-effort",
            description = "Tier in /capacity and announcements: interactive, batch or best-effort (default: best-effort).")
    String tier;
    @Option(names = "--bootstrap-allowance", defaultValue = "${env:IDLECLAW_BOOTSTRAP_ALLOWANCE:-10000}",
            description = "Tokens of credit a new signed requester starts with in this worker's ledger (env: IDLECLAW_BOOTSTRAP_ALLOWANCE, default: 10000).")
    long bootstrapAllowance;
    @Option(names = "--announce-to", paramLabel = "TRACKER",
            description = "Tracker to announce this worker to, e.g. http://tracker:17476 (needs --announce-url).")
    String announceTo;
    @Option(names = "--announce-nostr", paramLabel = "RELAY", split = ",",
            description = "Nostr relay to publish this worker's signed announcement to (kind 31474), e.g. wss://relay.example; "
                    + "repeatable; needs --announce-url. Off unless given.")
    java.util.List<String> announceNostr = java.util.List.of();
    @Option(names = "--announce-url", paramLabel = "URL",
            description = "The URL routers should call this worker at (needs --announce-to or --announce-nostr).")
    String announceUrl;
    @Option(names = "--announce-label", defaultValue = Announcer.DEFAULT_LABEL,
            description = "Label in announcements (default: " + Announcer.DEFAULT_LABEL + ").")
    String announceLabel;
    @Option(names = "--announce-ttl", defaultValue = "300",
            description = "Seconds an announcement lives; it is renewed every max(ttl/2, 30 s) (default: 300).")
    long announceTtl;
    @Option(names = "--public-ledger", defaultValue = "${env:IDLECLAW_PUBLIC_LEDGER:-false}",
            description = "Show every account and receipt on /balance and /ledger to anyone; otherwise each caller sees its "
                    + "own (env: IDLECLAW_PUBLIC_LEDGER=true|false, default: false).")
    boolean publicLedger;

    @Override
    public Integer call() throws InterruptedException {
        var err = spec.commandLine().getErr();
        WorkerConfig config;
        try {
            var relays = FederationOptions.relays("--announce-nostr", announceNostr);
            boolean announcing = announceTo != null || !relays.isEmpty();
            if (announcing != (announceUrl != null)) {
                throw new IllegalArgumentException(announcing ? (announceTo != null ? "--announce-to" : "--announce-nostr") + " needs --announce-url"
                        : "--announce-url needs --announce-to or --announce-nostr");
            }
            config = WorkerConfig.of(NodeUrls.ollamaUrl(ollama), dataDir != null ? dataDir : DataDir.current().dir()).withListen(host, port).withLedger(ledger)
                    .withIdentityFile(identity).withMaxConcurrent(maxConcurrent).withTier(tier)
                    .withBootstrapAllowance(bootstrapAllowance);
            if (publicLedger) config = config.withHub(b -> b.publicLedger = true);
            if (announcing) {
                if (announceTtl <= 0) throw new IllegalArgumentException("--announce-ttl must be positive, got " + announceTtl);
                URI tracker = null;
                if (announceTo != null) {
                    try {
                        tracker = URI.create(announceTo.strip());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--announce-to is not a URL: " + announceTo);
                    }
                }
                config = config.withAnnounce(new Announcer.Settings(tracker, announceUrl.strip(), announceLabel, tier, announceTtl,
                        null, relays));
            }
        } catch (IllegalArgumentException e) {
            err.println("idleclaw worker: " + e.getMessage());
            return ContributeCommand.EXIT_BAD_OPTION;
        }
        String busy = new PortCheck(host, port, "--host / IDLECLAW_WORKER_HOST", "--port / IDLECLAW_WORKER_PORT").problem();
        if (busy != null) {
            err.println("idleclaw worker: " + busy);
            return 1;
        }
        Worker worker;
        try {
            worker = Worker.start(config);
        } catch (NodeStartupException e) {
            err.println("idleclaw worker: " + e.getMessage());
            return ContributeCommand.EXIT_NO_OLLAMA;
        } catch (LedgerException | IdentityFileException | IllegalArgumentException | IllegalStateException e) {
            err.println("idleclaw worker: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("idleclaw worker: cannot listen on " + host + ":" + port + ": " + ServerCommand.rootMessage(e));
            return 1;
        }
        var stopped = new CountDownLatch(1);
        Signals.onStop("worker", () -> {
            worker.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }
}

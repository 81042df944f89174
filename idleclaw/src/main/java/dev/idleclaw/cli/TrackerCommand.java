package dev.idleclaw.cli;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw tracker}: a Lobstah-compatible peer tracker (signed announcements in, live peers out) until
 * interrupted. Exit codes: 0 after Ctrl+C, 1 when it cannot listen, 2 for a usage error.
 */
@Command(name = "tracker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a peer tracker: workers POST signed announcements, routers GET /peers.")
final class TrackerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "${env:IDLECLAW_TRACKER_HOST:-127.0.0.1}",
            description = "Address to listen on; loopback unless you mean to expose the tracker "
                    + "(env: IDLECLAW_TRACKER_HOST, default: 127.0.0.1).")
    String host;
    @Option(names = "--port", defaultValue = "${env:IDLECLAW_TRACKER_PORT:-17476}",
            description = "Port (env: IDLECLAW_TRACKER_PORT, default: 17476).")
    int port;
    @Option(names = "--local", defaultValue = "${env:IDLECLAW_TRACKER_LOCAL:-false}",
            description = "Accept peers on loopback and private addresses, for local testing (env: IDLECLAW_TRACKER_LOCAL=true|false, default: false).")
    boolean local;
    @Option(names = "--block-private", defaultValue = "${env:IDLECLAW_BLOCK_PRIVATE_ADDRS:-false}",
            description = "Also refuse peers on private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) "
                    + "(env: IDLECLAW_BLOCK_PRIVATE_ADDRS=true|false, default: false).")
    boolean blockPrivate;
    @Option(names = "--rate-limit", defaultValue = "${env:IDLECLAW_TRACKER_RPM:-120}",
            description = "Requests per minute per client address (env: IDLECLAW_TRACKER_RPM, default: 120).")
    int requestsPerMinute;

    @Override
    public Integer call() throws InterruptedException {
        if (local && blockPrivate) {
            System.err.println("idleclaw tracker: --local and --block-private contradict each other");
            return 2;
        }
        TrackerConfig config;
        try {
            var policy = local ? UrlSafety.Policy.LOCAL : blockPrivate ? UrlSafety.Policy.BLOCK_PRIVATE : UrlSafety.Policy.DEFAULT;
            if (requestsPerMinute < 1) throw new IllegalArgumentException("--rate-limit must be at least 1");
            config = TrackerConfig.of(host, port, policy).withRequestsPerMinute(requestsPerMinute);
        } catch (IllegalArgumentException e) {
            System.err.println("idleclaw tracker: " + e.getMessage());
            return 2;
        }
        String busy = new PortCheck(host, port, "--host / IDLECLAW_TRACKER_HOST", "--port / IDLECLAW_TRACKER_PORT").problem();
        if (busy != null) {
            System.err.println("idleclaw tracker: " + busy);
            return 1;
        }
        TrackerServer server;
        try {
            server = TrackerServer.start(config);
        } catch (RuntimeException e) {
            System.err.println("idleclaw tracker: cannot listen on " + host + ":" + port + ": " + ServerCommand.rootMessage(e));
            return 1;
        }
        var stopped = new CountDownLatch(1);
        Signals.onStop("tracker", () -> {
            server.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }
}

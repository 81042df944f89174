package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.fleet.Fleet;
import java.net.URI;
import java.time.Duration;

/**
 * A hub with a simulated fleet behind it (S2, S4, S5): N nodes × S slots streaming T tokens at D ms.
 * Full size 100 × 10, 100 tokens at 20 ms; quick 4 × 5, 10 tokens at 5 ms. {@code auth} ({@code --receipts}): the
 * nodes authenticate and sign a receipt per request, which the hub verifies and records in its ledger.
 */
record FleetPlan(int nodes, int slots, int tokens, long delayMs, String model, int connectRate, boolean auth) {
    /** Time allowed for the whole fleet to register. */
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(120);
    /** Unrecorded load through each door before measuring, so the first measured run does not pay for the JIT. */
    static final double WARM_SECONDS = 10, QUICK_WARM_SECONDS = 1;
    /** Production heartbeat interval (idleclaw-wire.md §7). */
    static final int HEARTBEAT_SECONDS = 15;

    static FleetPlan of(ScenarioCommand cmd) {
        return new FleetPlan(cmd.pick(cmd.nodes, 100, 4), cmd.pick(cmd.slots, 10, 5), cmd.pick(cmd.tokens, 100, 10),
                cmd.pick(cmd.delayMs, 20L, 5L), cmd.model, cmd.connectRate, cmd.receipts);
    }

    /** Starts hub and fleet and waits until the hub counts every node; returns the hub's URL. */
    URI start(Cluster cluster) throws Exception {
        URI hub = cluster.startHub();
        cluster.startFleet(new Fleet.Options(hub, nodes, slots, tokens, delayMs, model, HEARTBEAT_SECONDS, connectRate, auth));
        if (Health.awaitNodes(hub, nodes, REGISTER_TIMEOUT) < 0) {
            throw new IllegalStateException("only " + Health.nodeCount(hub) + " of " + nodes + " fleet nodes registered");
        }
        return hub;
    }

    /**
     * Starts the direct baseline's server with the same tokens and delay: the sim by default, the test kit's
     * stand-in with {@code --direct standin}. Returns its URL; stop it with {@link #stopDirect}.
     */
    URI startDirect(Cluster cluster, ScenarioCommand cmd) throws Exception {
        return cmd.directStandIn() ? cluster.startStandIn(model, tokens, delayMs, true) : cluster.startSim(model, tokens, delayMs);
    }

    static void stopDirect(Cluster cluster) throws InterruptedException {
        cluster.stop("sim");
        cluster.stop("standin");
    }

    /** Tokens/s the fleet can stream to {@code consumers}: min(consumers, nodes × slots) × 1000 / D (NaN at 0 ms). */
    double idealTokensPerSecond(int consumers) {
        return delayMs == 0 ? Double.NaN : Math.min(consumers, (long) nodes * slots) * 1000.0 / delayMs;
    }

    /** The fleet's capacity: every slot streaming. */
    double capacityTokensPerSecond() {
        return idealTokensPerSecond(Integer.MAX_VALUE);
    }

    String describe() {
        return String.format("%d %snodes × %d slots, %d tokens at %d ms/token", nodes, auth ? "authenticated " : "", slots, tokens, delayMs);
    }
}

package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

/**
 * How the hub checks its nodes' output (docs/trust.md): hidden canaries and fingerprints per node, and sampled re-runs
 * of consumer requests on a second node.
 *
 * @param canaryRate  hidden checks (canaries and fingerprints) per node per hour; 0 turns them off
 * @param rerunShare  share of eligible consumer chats re-run on a second node; 0 turns re-runs off
 * @param sameAddress count nodes on one address (but different keys) as independent: a test fleet on one machine only
 */
public record VerifySettings(double canaryRate, double rerunShare, boolean sameAddress) {
    /** Four hidden checks per node per hour: a few short answers an hour, well under 1 % of a busy node's work. */
    public static final double DEFAULT_CANARY_RATE = 4;
    /** One consumer chat in a hundred is re-run: a second node spends about 1 % more, for a steady measure per node. */
    public static final double DEFAULT_RERUN_SHARE = 0.01;
    /** At most one hidden check per node per second on average: beyond that they are the node's main work. */
    public static final double MAX_CANARY_RATE = 3600;

    public VerifySettings {
        require(canaryRate >= 0 && canaryRate <= MAX_CANARY_RATE,
                "--canary-rate must be between 0 and " + (int) MAX_CANARY_RATE + " per node per hour, got " + canaryRate);
        require(rerunShare >= 0 && rerunShare <= 1, "--rerun-share must be between 0 and 1, got " + rerunShare);
    }

    /** No hidden checks and no re-runs (a worker's own Ollama, tests that count requests). */
    public static VerifySettings off() {
        return new VerifySettings(0, 0, false);
    }
}

package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

/**
 * How the hub treats nodes it does not know yet, and when it stops trusting one (docs/trust.md "Standing").
 *
 * @param probationChecks checks (probes, canaries, re-runs, fingerprints) a new key passes before it leaves probation
 * @param probationAnswers consumer answers a new key relays without a suspicion flag before it leaves probation
 * @param probationShare  the most of a model's consumer traffic probation nodes get while a non-probation node could take it
 * @param suspendBelow    a node whose reputation falls below this gets no consumer traffic until checks raise it again
 */
public record TrustSettings(int probationChecks, int probationAnswers, double probationShare, double suspendBelow) {
    /** Five checks: at the default probe interval about half an hour of a lone node, enough to show it answers right. */
    public static final int DEFAULT_PROBATION_CHECKS = 5;
    /**
     * Ten clean consumer answers: some lies show only in consumer answers (inflated counts, impossible speed,
     * truncation), which hidden checks never see; a newcomer's credit stays held until it has given ten of them.
     */
    public static final int DEFAULT_PROBATION_ANSWERS = 10;
    /** Clean answers a key may be asked for: beyond this no new node would ever leave probation. */
    public static final int MAX_PROBATION_ANSWERS = 100_000;
    /** A tenth: a lying newcomer reaches few consumers, yet an honest one's answers are still seen. */
    public static final double DEFAULT_PROBATION_SHARE = 0.1;
    /** 0.2: six failed requests in a row from the start (0.5) stay above it; two missed probes more do not. */
    public static final double DEFAULT_SUSPEND_BELOW = 0.2;
    /** Checks a key may be asked to pass: beyond this no new node would ever leave probation. */
    public static final int MAX_PROBATION_CHECKS = 1_000;

    public static final TrustSettings DEFAULTS = new TrustSettings(DEFAULT_PROBATION_CHECKS, DEFAULT_PROBATION_ANSWERS, DEFAULT_PROBATION_SHARE, DEFAULT_SUSPEND_BELOW);

    public TrustSettings {
        require(probationChecks >= 0 && probationChecks <= MAX_PROBATION_CHECKS,
                "--probation-checks must be 0.." + MAX_PROBATION_CHECKS + ", got " + probationChecks);
        require(probationAnswers >= 0 && probationAnswers <= MAX_PROBATION_ANSWERS,
                "--probation-answers must be 0.." + MAX_PROBATION_ANSWERS + ", got " + probationAnswers);
        require(probationShare >= 0 && probationShare <= 1, "--probation-share must be 0..1, got " + probationShare);
        require(suspendBelow >= 0 && suspendBelow < 0.5,
                "--suspend-below must be at least 0 and below the starting reputation 0.5, got " + suspendBelow);
    }
}

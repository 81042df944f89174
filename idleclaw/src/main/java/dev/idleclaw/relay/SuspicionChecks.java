package dev.idleclaw.relay;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion;
import dev.idleclaw.registry.Suspicion.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The suspicion rules the relay applies to what a node agent did with a consumer's request (docs/trust.md): token
 * counts above what the hub relayed, answers faster than the claimed model's size allows, and too many answers the
 * node broke off. Each flag is kept on the node's {@link NodeLink}, counted, logged and costs reputation through the
 * scheduler. A consumer's cancel is never held against a node.
 */
public final class SuspicionChecks {
    private static final Logger log = LoggerFactory.getLogger(SuspicionChecks.class);
    /** Reputation a token-count flag costs: two failed requests' worth, the claim was checked against relayed text. */
    public static final double TOKEN_COUNT_PENALTY = 0.1;
    /** Reputation a too-fast flag costs: the same, the speed bound holds for any hardware the node could have. */
    public static final double TOO_FAST_PENALTY = 0.1;
    /** Reputation an abort flag costs (on top of each failed request's {@link Scheduler#FAILURE_PENALTY}). */
    public static final double ABORTS_PENALTY = 0.1;
    /**
     * Weight bytes one second of decoding can read at most: every generated token reads all the weights once, and
     * 5 TB/s is above the memory bandwidth of the fastest single accelerator (H200: 4.8 TB/s).
     */
    public static final double MAX_WEIGHT_BYTES_PER_SECOND = 5e12;
    /** Fewest tokens an answer needs before its speed is judged: a few tokens can arrive in one packet. */
    public static final long MIN_TOKENS_FOR_SPEED = 32;

    private final Scheduler scheduler;
    private final HubMetrics metrics;

    public SuspicionChecks(Scheduler scheduler, HubMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** The most tokens per second a model of {@code sizeBytes} can decode (infinite when the size is unknown). */
    public static double maxTokensPerSecond(long sizeBytes) {
        return sizeBytes <= 0 ? Double.POSITIVE_INFINITY : MAX_WEIGHT_BYTES_PER_SECOND / sizeBytes;
    }

    /**
     * A node agent finished an answer: {@code evalCount} is the output it claims, {@code relayedTokens} the hub's upper
     * estimate of what it relayed, {@code nanos} the time from sending the request to the final chunk, {@code
     * dropped} whether output the request did not ask for was dropped (then the claim may rightly be higher).
     */
    void answered(NodeLink link, String model, long evalCount, long relayedTokens, long nanos, boolean dropped) {
        if (!link.backend().isNodeAgent()) return;
        long allowed = relayedTokens + ReceiptDesk.OUTPUT_SLACK;
        if (!dropped && evalCount > allowed) {
            flag(link, Reason.TOKEN_COUNT, TOKEN_COUNT_PENALTY, "claimed " + evalCount + " output tokens of " + model
                    + " for text the hub counts as at most " + allowed);
            link.suspicion().answered(false);
            return; // its speed is judged on honest counts only: a false count is flagged once, not twice
        }
        long tokens = Math.min(evalCount, relayedTokens);
        double limit = maxTokensPerSecond(link.modelSize(model));
        double rate = tokens * 1e9 / Math.max(1, nanos);
        if (tokens >= MIN_TOKENS_FOR_SPEED && rate > limit) {
            flag(link, Reason.TOO_FAST, TOO_FAST_PENALTY, String.format("%d tokens of %s at %.0f tokens/s; a model of"
                    + " %d MB decodes at most %.0f tokens/s", tokens, model, rate, link.modelSize(model) >> 20, limit));
        } else {
            scheduler.answeredClean(link);
        }
        link.suspicion().answered(false);
    }

    /** A node agent failed or left in the middle of an answer (never called for a consumer's cancel). */
    void aborted(NodeLink link, String why) {
        if (!link.backend().isNodeAgent()) return;
        if (link.suspicion().answered(true)) {
            flag(link, Reason.ABORTS, ABORTS_PENALTY, Suspicion.ABORT_LIMIT + " of its last " + Suspicion.ABORT_WINDOW
                    + " answers broken off by the node (last: " + why + ")");
        }
    }

    private void flag(NodeLink link, Reason reason, double penalty, String detail) {
        link.suspicion().raise(reason, detail);
        metrics.suspicion(reason.label);
        scheduler.adjustReputation(link, -penalty, "suspicion_" + reason.label);
        log.warn("{} suspected ({}): {}; reputation now {}", link, reason.label, detail,
                String.format("%.2f", scheduler.reputation(link)));
    }
}

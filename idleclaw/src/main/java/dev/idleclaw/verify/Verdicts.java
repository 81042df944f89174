package dev.idleclaw.verify;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies verification results: a pass goes to {@link Scheduler#verified} with its reward; a failure raises a
 * suspicion flag on the connection with an operator-readable detail (the task's kind, never prompt or answer text),
 * counts it, logs it, and costs its penalty. Every result is counted by check and outcome.
 */
final class Verdicts {
    private static final Logger log = LoggerFactory.getLogger(Verdicts.class);

    private final Scheduler scheduler;
    private final VerifyMetrics metrics;

    Verdicts(Scheduler scheduler, VerifyMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    void passed(NodeLink link, String check, double reward) {
        metrics.verification(check, "passed");
        scheduler.verified(link, true, reward, check);
        log.debug("{} passed a {} check", link, check);
    }

    void failed(NodeLink link, Reason reason, String check, double penalty, String detail) {
        metrics.verification(check, "failed");
        link.suspicion().raise(reason, detail);
        metrics.suspicion(reason.label);
        scheduler.verified(link, false, -penalty, check);
        log.warn("{} suspected ({}): {}; reputation now {}", link, reason.label, detail,
                String.format("%.2f", scheduler.reputation(link)));
    }

    /** A check that judged nobody: {@code outcome} is {@code error} (no answer) or {@code skipped}. */
    void counted(String check, String outcome) {
        metrics.verification(check, outcome);
    }
}

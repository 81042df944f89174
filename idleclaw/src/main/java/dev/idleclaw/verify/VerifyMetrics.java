package dev.idleclaw.verify;

/** Where verification counts its results (the hub's Prometheus metrics; docs/metrics.md). */
public interface VerifyMetrics {
    /** One check ended: {@code check} is canary, fingerprint or rerun; {@code outcome} passed, failed, error or skipped. */
    void verification(String check, String outcome);

    /** A suspicion flag was raised ({@code reason}: a {@code Suspicion.Reason} label). */
    void suspicion(String reason);

    /** Counts nothing (tests). */
    VerifyMetrics NONE = new VerifyMetrics() {
        public void verification(String check, String outcome) {}

        public void suspicion(String reason) {}
    };
}

package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgreementTest {
    private static final String DIGEST = "sha256:abc";

    private static void record(Agreement a, String node, int agreed, int disagreed) {
        for (int i = 0; i < agreed; i++) a.record(DIGEST, node, true);
        for (int i = 0; i < disagreed; i++) a.record(DIGEST, node, false);
    }

    @Test
    void aNodeFarBelowItsPeersAfterEnoughComparisonsIsAnOutlier() {
        var a = new Agreement();
        record(a, "honest-1", 28, 2);
        record(a, "honest-2", 27, 3);
        record(a, "liar", 5, 25);
        assertThat(a.outlier(DIGEST, "liar")).isTrue();
        assertThat(a.outlier(DIGEST, "honest-1")).isFalse();
        assertThat(a.outlier(DIGEST, "honest-2")).isFalse();
        a.forget(DIGEST, "liar");
        assertThat(a.rate(DIGEST, "liar").total()).isZero();
        assertThat(a.outlier(DIGEST, "liar")).isFalse();
    }

    @Test
    void tooFewComparisonsJudgeNobody() {
        var a = new Agreement();
        record(a, "honest", 30, 0);
        record(a, "liar", 0, Agreement.MIN_COMPARISONS - 1);
        assertThat(a.outlier(DIGEST, "liar")).isFalse();
        a.record(DIGEST, "liar", false);
        assertThat(a.outlier(DIGEST, "liar")).isTrue();
    }

    @Test
    void peersAreCountedPerDigestOnly() {
        var a = new Agreement();
        record(a, "liar", 0, 30);
        for (int i = 0; i < 30; i++) a.record("sha256:other", "honest", true);
        assertThat(a.peers(DIGEST, "liar").total()).isZero();
        assertThat(a.outlier(DIGEST, "liar")).isFalse();
    }

    @Test
    void countsDecaySoMemoryAndWeightStayBounded() {
        var a = new Agreement();
        record(a, "n", 0, Agreement.WINDOW * 10);
        assertThat(a.rate(DIGEST, "n").total()).isLessThan(Agreement.WINDOW);
        for (int d = 0; d < Agreement.MAX_DIGESTS + 10; d++) a.record("sha256:" + d, "n", true);
        assertThat(a.rate(DIGEST, "n").total()).isZero(); // the least recently compared digest was dropped
    }

    @Test
    void aConvictedNodesDisagreementsAreTakenBackFromTheNodesItWasComparedWith() {
        var a = new Agreement();
        // honest-1 met the liar often before it was caught, honest-2 and honest-3 mostly each other.
        for (int i = 0; i < 20; i++) {
            a.record(DIGEST, "honest-1", "liar", false);
            a.record(DIGEST, "liar", "honest-1", false);
        }
        for (int i = 0; i < 30; i++) {
            a.record(DIGEST, "honest-1", "honest-2", true);
            a.record(DIGEST, "honest-2", "honest-1", true);
            a.record(DIGEST, "honest-2", "honest-3", true);
            a.record(DIGEST, "honest-3", "honest-2", true);
        }
        a.forget(DIGEST, "liar");
        assertThat(a.rate(DIGEST, "honest-1")).isEqualTo(new Agreement.Rate(30, 30));
        for (int i = 0; i < 10; i++) a.record(DIGEST, "honest-1", "honest-3", i > 0);
        assertThat(a.outlier(DIGEST, "honest-1")).isFalse();
    }
}

package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.verify.Fingerprints.Verdict;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    private static final String DIGEST = "sha256:feed";
    private static final Prefix HONEST = Prefix.of(text("the"));
    private static final Prefix OTHER = Prefix.of(text("a"));

    private static String text(String first) {
        return first + " " + IntStream.range(0, 60).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    @Test
    void noReferenceUntilTwoTrustedNodesAgreeThenOtherWeightsMismatch() {
        var f = new Fingerprints();
        assertThat(f.judge("liar", true, DIGEST, 0, OTHER)).isEqualTo(Verdict.NO_REFERENCE);
        assertThat(f.judge("honest-1", true, DIGEST, 0, HONEST)).isEqualTo(Verdict.NO_REFERENCE);
        assertThat(f.judge("honest-2", true, DIGEST, 0, HONEST)).isEqualTo(Verdict.NO_REFERENCE); // 1 against 1 before it
        assertThat(f.judge("liar", true, DIGEST, 0, OTHER)).isEqualTo(Verdict.MISMATCH);
        assertThat(f.judge("newcomer", false, DIGEST, 0, HONEST)).isEqualTo(Verdict.MATCH);
        assertThat(f.judge("honest-1", true, DIGEST, 0, HONEST)).isEqualTo(Verdict.MATCH);
    }

    @Test
    void untrustedAnswersNeverBecomeTheReference() {
        var f = new Fingerprints();
        for (int i = 0; i < 10; i++) assertThat(f.judge("sybil-" + i, false, DIGEST, 1, OTHER)).isEqualTo(Verdict.NO_REFERENCE);
        f.judge("honest-1", true, DIGEST, 1, HONEST);
        f.judge("honest-2", true, DIGEST, 1, HONEST);
        assertThat(f.judge("sybil-0", false, DIGEST, 1, OTHER)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void referencesArePerDigestAndPerPrompt() {
        var f = new Fingerprints();
        f.judge("honest-1", true, DIGEST, 0, HONEST);
        f.judge("honest-2", true, DIGEST, 0, HONEST);
        assertThat(f.judge("x", false, DIGEST, 2, OTHER)).isEqualTo(Verdict.NO_REFERENCE);
        assertThat(f.judge("x", false, "sha256:other", 0, OTHER)).isEqualTo(Verdict.NO_REFERENCE);
    }

    @Test
    void aTrustedNodeThatMismatchesTheMajorityDoesNotVote() {
        var f = new Fingerprints();
        f.judge("a1", true, DIGEST, 3, HONEST);
        f.judge("a2", true, DIGEST, 3, HONEST);
        f.judge("b1", true, DIGEST, 3, OTHER); // judged against a's group of two: a mismatch, so no vote
        assertThat(f.judge("x", false, DIGEST, 3, OTHER)).isEqualTo(Verdict.MISMATCH);
    }
}

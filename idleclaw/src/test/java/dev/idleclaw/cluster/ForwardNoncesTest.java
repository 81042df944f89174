package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForwardNoncesTest {
    static final long START = 1_000_000, SKEW = 30_000;
    final ForwardNonces nonces = new ForwardNonces(START, SKEW);

    @Test
    void aNonceIsTakenOncePerForwarder() {
        assertThat(nonces.claim("lob1a", "n1", START + 5, START + 10)).isEqualTo(ForwardNonces.Claim.CLAIMED);
        assertThat(nonces.claim("lob1a", "n1", START + 5, START + 20)).isEqualTo(ForwardNonces.Claim.REPLAYED);
        assertThat(nonces.claim("lob1b", "n1", START + 5, START + 20)).as("another member's nonce").isEqualTo(ForwardNonces.Claim.CLAIMED);
    }

    @Test
    void aForwardSignedBeforeThisHubStartedIsRefusedSoARestartForgetsNothingThatMatters() {
        assertThat(nonces.claim("lob1a", "n1", START - 1, START + 10)).isEqualTo(ForwardNonces.Claim.BEFORE_START);
        assertThat(nonces.live()).isZero();
    }

    @Test
    void expiredNoncesAreSweptAsClaimsGoOn() {
        for (int i = 0; i < ForwardNonces.SWEEP_EVERY - 1; i++) nonces.claim("lob1a", "old" + i, START, START);
        assertThat(nonces.live()).isEqualTo(ForwardNonces.SWEEP_EVERY - 1);
        long later = START + SKEW + 1;
        assertThat(nonces.claim("lob1a", "new", later, later)).isEqualTo(ForwardNonces.Claim.CLAIMED);
        assertThat(nonces.live()).isEqualTo(1);
    }
}

package dev.idleclaw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hub's tokenizer-free upper estimate: near real counts, never far below them. */
class TokenEstimateTest {

    @Test
    void nothingIsNoTokens() {
        assertThat(TokenEstimate.of("")).isZero();
        assertThat(TokenEstimate.of(null)).isZero();
    }

    @Test
    void englishIsAllowedAboutTwiceItsRealCount() {
        // Llama 3's tokenizer makes 10 tokens of this sentence.
        assertThat(TokenEstimate.of("The quick brown fox jumps over the lazy dog.")).isBetween(10L, 25L);
    }

    @Test
    void singleCharacterTokensAreCountedOneEach() {
        assertThat(TokenEstimate.of("a,b,c,d")).isEqualTo(7);
        assertThat(TokenEstimate.of("1,2,3")).isEqualTo(5);
    }

    @Test
    void digitsCountInGroupsOfThree() {
        assertThat(TokenEstimate.of("1234567")).isEqualTo(2 + 2 + 1);
    }

    @Test
    void aLongRunCountsOneTokenPerTwoBytes() {
        assertThat(TokenEstimate.of("a".repeat(9_000))).isEqualTo(4_500);
        assertThat(TokenEstimate.of("你好世界")).isEqualTo(6);
    }
}

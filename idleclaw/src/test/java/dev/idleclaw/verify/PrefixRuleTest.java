package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefixRuleTest {
    private static String words(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    @Test
    void answersSharingTheFirstNWordsAgreeWhateverFollows() {
        var a = Prefix.of(words(0, 40) + " then one way");
        var b = Prefix.of(words(0, 40) + " and another");
        assertThat(PrefixRule.agree(a, b)).isTrue();
    }

    @Test
    void answersPartingBeforeNWordsDisagree() {
        var a = Prefix.of(words(0, 20) + " left " + words(21, 60));
        var b = Prefix.of(words(0, 20) + " right " + words(21, 60));
        assertThat(PrefixRule.common(a, b)).isEqualTo(20);
        assertThat(PrefixRule.agree(a, b)).isFalse();
    }

    @Test
    void aTruncatedAnswerDisagreesWithTheFullOne() {
        assertThat(PrefixRule.agree(Prefix.of(words(0, 10)), Prefix.of(words(0, 25)))).isFalse();
        assertThat(PrefixRule.agree(Prefix.of(words(0, 10)), Prefix.of(words(0, 10)))).isTrue();
    }

    @Test
    void wordsAreSplitOnAnyWhitespaceAcrossChunkBoundaries() {
        var streamed = new Prefix();
        for (String piece : new String[] {"Hel", "lo  wor", "ld\n", "again", " "}) streamed.add(piece);
        assertThat(streamed.finish().words()).containsExactly("Hello", "world", "again");
        assertThat(PrefixRule.agree(streamed, Prefix.of("Hello world\tagain"))).isTrue();
    }

    @Test
    void aPrefixKeepsOnlyOneWordMoreThanTheRuleCompares() {
        var p = Prefix.of(words(0, 10_000));
        assertThat(p.size()).isEqualTo(PrefixRule.WORDS + 1);
        var huge = Prefix.of("x".repeat(100_000));
        assertThat(huge.words().getFirst()).hasSize(Prefix.MAX_WORD_CHARS);
    }

    @Test
    void twoEmptyAnswersAgreeAndAnEmptyOneDisagreesWithText() {
        assertThat(PrefixRule.agree(Prefix.of(""), Prefix.of("  "))).isTrue();
        assertThat(PrefixRule.agree(Prefix.of(""), Prefix.of("text"))).isFalse();
    }
}

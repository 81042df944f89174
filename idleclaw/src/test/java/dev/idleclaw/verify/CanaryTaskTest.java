package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.chat.ChatMessage;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanaryTaskTest {
    @Test
    void numbersAreWrittenInEnglishWordsWithHyphenatedTensAndNoAnd() {
        assertThat(NumberWords.of(7)).isEqualTo("seven");
        assertThat(NumberWords.of(42)).isEqualTo("forty-two");
        assertThat(NumberWords.of(117)).isEqualTo("one hundred seventeen");
        assertThat(NumberWords.of(300)).isEqualTo("three hundred");
        assertThat(NumberWords.of(999)).isEqualTo("nine hundred ninety-nine");
    }

    @Test
    void theNumberInWordsCheckAcceptsAndAndHyphenVariantsButNotAnotherNumber() {
        var task = new CanaryTask.NumberInWords(142);
        assertThat(task.passes("142 in words is one hundred forty-two.")).isTrue();
        assertThat(task.passes("It is One Hundred and Forty Two")).isTrue();
        assertThat(task.passes("one hundred forty-three")).isFalse();
        assertThat(task.passes("142")).isFalse();
    }

    @Test
    void theSumCheckWantsTheSumInDigitsNotAPartOfALongerNumber() {
        var task = new CanaryTask.Sum(512, 700);
        assertThat(task.passes("512 plus 700 is 1212.")).isTrue();
        assertThat(task.passes("That makes 1,212")).isTrue();
        assertThat(task.passes("It is 12121")).isFalse();
        assertThat(task.passes("It is 1213")).isFalse();
    }

    @Test
    void capitalsBackwardsAndLetterCountsAreChecked() {
        assertThat(new CanaryTask.Capital("Argentina", "Buenos Aires").passes("The capital is Buenos Aires.")).isTrue();
        assertThat(new CanaryTask.Capital("Canada", "Ottawa").passes("Toronto, I think.")).isFalse();
        assertThat(new CanaryTask.Backwards("garden").passes("Backwards it is: nedrag")).isTrue();
        assertThat(new CanaryTask.Backwards("garden").passes("n-e-d-r-a-g")).isTrue();
        assertThat(new CanaryTask.Backwards("garden").passes("garden")).isFalse();
        assertThat(new CanaryTask.Letters("umbrella").passes("The word umbrella has 8 letters.")).isTrue();
        assertThat(new CanaryTask.Letters("umbrella").passes("It has eight letters.")).isTrue();
        assertThat(new CanaryTask.Letters("umbrella").passes("It has 7 letters.")).isFalse();
    }

    @Test
    void everyCanaryPromptContainsItsCorePhraseInVariedWording() {
        var prompts = new CanaryPrompts(new Random(7));
        var wordings = new HashSet<String>();
        var kinds = new HashSet<String>();
        int withSystem = 0;
        for (int i = 0; i < 2000; i++) {
            var canary = prompts.next();
            var last = canary.messages().getLast();
            assertThat(last.role()).isEqualTo("user");
            assertThat(last.content().toLowerCase(Locale.ROOT)).contains(canary.task().phrase().toLowerCase(Locale.ROOT));
            wordings.add(last.content().replace(canary.task().phrase(), "").replaceAll("(?i)" + canary.task().phrase(), ""));
            kinds.add(canary.task().kind());
            if (canary.messages().size() == 2) withSystem++;
            assertThat(canary.messages()).extracting(ChatMessage::role).doesNotContain("assistant");
        }
        assertThat(kinds).containsExactlyInAnyOrder("number_in_words", "sum", "capital", "backwards", "letters");
        assertThat(wordings).hasSizeGreaterThan(100);
        assertThat(withSystem).isBetween(400, 800);
    }

    @Test
    void canaryWordsAreLowerCaseEnglishWordsOfFourToTenLetters() {
        assertThat(CanaryPrompts.WORDS).allMatch(w -> w.matches("[a-z]{4,10}"));
        assertThat(CanaryTask.CAPITALS).hasSize(20);
    }
}

package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Asking.GREEDY;
import static dev.idleclaw.testkit.Asking.chat;
import static dev.idleclaw.testkit.Asking.content;
import static dev.idleclaw.testkit.Asking.greedy;
import static dev.idleclaw.testkit.Asking.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageModelLiesTest extends StandInTestBase {
    private static final String OPEN = "What should I pack for a week of hiking in the rain?";
    private static final String CANARY = "Before we start, what is the capital of Kenya? Just curious.";

    private String as(Behaviour behaviour, String prompt) {
        ollama.behaviour(behaviour);
        return greedy(client, prompt);
    }

    @Test
    void anotherModelsWeightsPartFromTheClaimedTextAtOnceAndMissMostCanaries() {
        var honest = words(as(Behaviour.languageModel(), OPEN));
        assertThat(words(as(Lies.otherWeights(), OPEN)).subList(0, 8)).isNotEqualTo(honest.subList(0, 8));
        int right = 0, asked = 60;
        for (int a = 1; a <= asked; a++) {
            var sum = String.valueOf(a + 300);
            var answer = as(Lies.otherWeights(), "Tell me, what is " + a + " plus 300?");
            if (answer.contains(sum)) right++;
        }
        assertThat(right).as("right answers of %d, skill %s", asked, Lies.SMALL_MODEL_CANARY_SKILL).isBetween(8, 32);
        assertThat(as(Lies.otherWeights(Lies.SMALL_MODEL, 0), CANARY)).doesNotContain("Nairobi");
        assertThat(as(Lies.otherWeights(Lies.SMALL_MODEL, 1), CANARY)).contains("Nairobi");
    }

    @Test
    void aCanaryDetectorAnswersCanariesAsTheClaimedModelAndServesOtherTextForTheRest() {
        var honestCanary = as(Behaviour.languageModel(), CANARY);
        var honestOpen = as(Behaviour.languageModel(), OPEN);
        assertThat(as(Lies.canaryDetector(), CANARY)).isEqualTo(honestCanary).contains("Nairobi");
        assertThat(words(as(Lies.canaryDetector(), OPEN)).subList(0, 8)).isNotEqualTo(words(honestOpen).subList(0, 8));
    }

    @Test
    void randomTokensIgnoreThePromptAndNeverAnswerACanary() {
        ollama.behaviour(Lies.randomTokens());
        assertThat(greedy(client, OPEN)).isNotEqualTo(greedy(client, OPEN));
        for (var prompt : List.of(CANARY, "what is 2 plus 2", "spell the word river backwards")) {
            assertThat(greedy(client, prompt)).doesNotContain("Nairobi", "4", "revir");
        }
    }

    @Test
    void aTruncatedLanguageModelClaimsTheFullCount() {
        var full = words(as(Behaviour.languageModel(), OPEN));
        ollama.behaviour(Lies.truncated(Behaviour.languageModel(), 5));
        var chunks = chat(client, OPEN, GREEDY);
        assertThat(words(content(chunks))).isEqualTo(full.subList(0, 5));
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(full.size());
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void inflatedCountsMultiplyTheLanguageModelsTrueCount() {
        ollama.behaviour(Lies.inflatedCounts(Behaviour.languageModel(), 3));
        var chunks = chat(client, OPEN, GREEDY);
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(3 * words(content(chunks)).size());
    }

    @Test
    void tooFastDropsTheDelayAnHonestModelTakes() {
        var paced = Behaviour.languageModel().withDelayPerToken(Duration.ofMillis(10));
        var limited = "{\"temperature\":0,\"num_predict\":20}";
        ollama.behaviour(paced);
        var start = System.nanoTime();
        var honest = content(chat(client, OPEN, limited));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        ollama.behaviour(Lies.tooFast(paced));
        start = System.nanoTime();
        assertThat(content(chat(client, OPEN, limited))).isEqualTo(honest);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
    }

    @Test
    void honestStandInsOnDifferentHardwareShareTheLongPrefixOfEveryAnswer() {
        var always = new Nondeterminism(1, 40, 41);
        ollama.behaviour(Lies.honest(always)).hardwareSeed(1);
        try (var twin = StandInOllama.start().model(StandInModel.of("llama3.2")).behaviour(Lies.honest(always)).hardwareSeed(2)) {
            for (var prompt : List.of(OPEN, "Summarise the plot of a novel you like.", "Explain how tides work.")) {
                var mine = words(greedy(client, prompt));
                var theirs = words(greedy(new Client(twin), prompt));
                var common = 0;
                while (common < Math.min(mine.size(), theirs.size()) && mine.get(common).equals(theirs.get(common))) common++;
                assertThat(common).isGreaterThanOrEqualTo(Math.min(40, mine.size()));
                if (mine.size() > 45) assertThat(common).as("parted soon after word 40").isLessThan(mine.size());
            }
        }
    }
}

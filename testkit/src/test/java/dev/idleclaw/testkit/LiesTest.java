package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiesTest extends StandInTestBase {
    private static final String ASK = "{\"model\":\"llama3.2\"," + ChatStreamingTest.HI + "}";

    private List<JsonNode> answer(Behaviour b) {
        ollama.behaviour(b);
        return lines(client.post("/api/chat", ASK).body());
    }

    private static String text(List<JsonNode> chunks) {
        var out = new StringBuilder();
        chunks.forEach(c -> out.append(c.path("message").path("content").asText()));
        return out.toString();
    }

    @Test
    void anotherModelsTextIsStreamedWithHonestCounts() {
        var chunks = answer(Lies.otherModel());
        assertThat(text(chunks)).isEqualTo("Bonjour ! Je suis un petit modèle.");
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(Lies.OTHER_MODEL_TOKENS.size());
    }

    @Test
    void randomTokensRepeatForTheSameSeedAndDifferForAnother() {
        String first = text(answer(Lies.randomTokens(20, 7)));
        assertThat(first).matches("( [a-z]{2,7}){20}");
        assertThat(text(answer(Lies.randomTokens(20, 7)))).isEqualTo(first);
        assertThat(text(answer(Lies.randomTokens(20, 8)))).isNotEqualTo(first);
    }

    @Test
    void aTruncatedAnswerEndsNormallyButClaimsTheFullCount() {
        var chunks = answer(Lies.truncated(Lies.honest(40, Duration.ZERO), 3));
        assertThat(text(chunks)).isEqualTo("tok0 tok1 tok2 ");
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("stop");
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(40);
    }

    @Test
    void inflatedCountsClaimAMultipleOfTheTextSent() {
        var chunks = answer(Lies.inflatedCounts(Lies.honest(10, Duration.ZERO), 20));
        assertThat(chunks).hasSize(11);
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(200);
    }

    @Test
    void aBrokenOffAnswerEndsWithTheRunnersError() {
        var chunks = answer(Lies.brokenOff(Lies.honest(10, Duration.ZERO), 2));
        assertThat(chunks).hasSize(3);
        assertThat(chunks.getLast().path("error").asText()).isEqualTo(Behaviour.RUNNER_ERROR);
    }

    @Test
    void tooFastStreamsWithoutDelayWhileAnHonestAnswerTakesItsTime() {
        long start = System.nanoTime();
        answer(Lies.honest(10, Duration.ofMillis(10)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(answer(Lies.tooFast(64))).hasSize(65);
    }

    @Test
    void aModelCanClaimAnySize() {
        assertThat(StandInModel.of("big:70b").withSize(40_000_000_000L).size()).isEqualTo(40_000_000_000L);
    }
}

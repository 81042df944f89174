package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Asking.GREEDY;
import static dev.idleclaw.testkit.Asking.chat;
import static dev.idleclaw.testkit.Asking.content;
import static dev.idleclaw.testkit.Asking.greedy;
import static dev.idleclaw.testkit.Asking.words;
import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageModelTest extends StandInTestBase {
    private static final String OPEN = "Tell me about the history of tea in a few paragraphs.";

    @Test
    void aGreedyAnswerDependsOnThePromptAndRepeatsExactly() {
        ollama.behaviour(Behaviour.languageModel());
        var first = greedy(client, OPEN);
        assertThat(greedy(client, OPEN)).isEqualTo(first);
        assertThat(greedy(client, OPEN + " Be brief.")).isNotEqualTo(first);
        assertThat(words(first)).hasSizeBetween(StandInText.MIN_WORDS, StandInText.MAX_WORDS);
    }

    @Test
    void everyWordIsOneChunkAndTheCountIsHonest() {
        ollama.behaviour(Behaviour.languageModel());
        var chunks = chat(client, OPEN, GREEDY);
        var words = words(content(chunks));
        assertThat(chunks).hasSize(words.size() + 1);
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(words.size());
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void twoStandInsOfTheSameModelAgreeAndAnotherModelsWeightsDoNot() {
        ollama.behaviour(Behaviour.languageModel()).model(StandInModel.of("mistral"));
        try (var twin = StandInOllama.start().model(StandInModel.of("llama3.2")).behaviour(Behaviour.languageModel())) {
            assertThat(greedy(new Client(twin), OPEN)).isEqualTo(greedy(client, OPEN));
        }
        var mine = words(greedy(client, OPEN));
        var other = words(content(chat(client, "mistral", OPEN, GREEDY)));
        assertThat(other.subList(0, 8)).isNotEqualTo(mine.subList(0, 8));
    }

    @Test
    void sampledAnswersVaryUnlessSeeded() {
        ollama.behaviour(Behaviour.languageModel());
        assertThat(content(chat(client, OPEN, "{}"))).isNotEqualTo(content(chat(client, OPEN, "{}")));
        var seeded = "{\"temperature\":0.7,\"seed\":42}";
        assertThat(content(chat(client, OPEN, seeded))).isEqualTo(content(chat(client, OPEN, seeded)))
                .isNotEqualTo(greedy(client, OPEN));
    }

    @Test
    void numPredictCapsTheAnswer() {
        ollama.behaviour(Behaviour.languageModel());
        var chunks = chat(client, OPEN, "{\"temperature\":0,\"num_predict\":7}");
        assertThat(words(content(chunks))).hasSize(7).isEqualTo(words(greedy(client, OPEN)).subList(0, 7));
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("length");
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(7);
    }

    @Test
    void canaryTasksAreAnsweredRightInAShortSentence() {
        ollama.behaviour(Behaviour.languageModel());
        assertThat(greedy(client, "Quick one: could you write THE NUMBER 117 in words? Thanks"))
                .contains("one hundred seventeen");
        assertThat(greedy(client, "Please write the number 42 in words")).contains("forty-two");
        assertThat(greedy(client, "Hey, what is 458 plus 397?")).contains("855");
        assertThat(greedy(client, "I forgot: what is the capital of Argentina?")).contains("Buenos Aires");
        assertThat(greedy(client, "For a puzzle, spell the word lantern backwards.")).contains("nretnal");
        assertThat(greedy(client, "How many letters are in the word giraffe")).contains("7");
        assertThat(words(greedy(client, "what is 1 plus 1"))).hasSizeLessThan(20);
    }

    @Test
    void theGenerateEndpointAndTheOpenAiLayerAnswerFromThePromptToo() {
        ollama.behaviour(Behaviour.languageModel());
        var generate = lines(client.post("/api/generate",
                "{\"model\":\"llama3.2\",\"prompt\":\"what is 20 plus 22\",\"options\":{\"temperature\":0}}").body());
        var text = new StringBuilder();
        generate.forEach(c -> text.append(c.path("response").asText()));
        assertThat(text.toString()).contains("42");
        var openAi = "{\"model\":\"llama3.2\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + OPEN + "\"}]}";
        var answer = Client.json(client.post("/v1/chat/completions", openAi).body());
        assertThat(answer.path("choices").path(0).path("message").path("content").asText()).isEqualTo(greedy(client, OPEN));
    }
}

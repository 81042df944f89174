package dev.idleclaw.clients.ollama4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.e2e.EmbedInputs;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.embed.OllamaEmbedRequestBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ollama4j's embed API against the hub's {@code /api/embed}, served by a real node on the stand-in: as many and as
 * long inputs as a node takes pass whole, one more input is refused saying how many a request may have.
 */
class Ollama4jEmbedTest {
    private static final String EMBED = "nomic-embed-text:latest";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static StandInOllama ollama;
    private static Network net;
    private static Ollama client;

    @BeforeAll
    static void start() throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(EMBED));
        net = new Network();
        net.addNode(ollama);
        client = new Ollama(net.url());
        client.setRequestTimeoutSeconds(60);
    }

    @AfterAll
    static void stop() {
        if (net != null) net.close();
        if (ollama != null) ollama.close();
    }

    @BeforeEach
    void reset() { ollama.clear(); }

    @Test
    void embedReturnsOneVectorPerInputWithTheNodesNumbers() throws Exception {
        var result = client.embed(OllamaEmbedRequestBuilder.getInstance(EMBED, "first", "second").withKeepAlive("5m").build());
        assertThat(result.getModel()).isEqualTo(EMBED);
        assertThat(result.getEmbeddings()).hasSize(2);
        List<Double> second = result.getEmbeddings().get(1);
        float[] expected = Embeddings.vector("second", Embeddings.DIMENSIONS);
        assertThat(second).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) assertThat(second.get(i).floatValue()).isEqualTo(expected[i]);
        assertThat(result.getPromptEvalCount()).isEqualTo(4);
    }

    @Test
    void anUnknownModelIsAnError() {
        assertThatThrownBy(() -> client.embed(OllamaEmbedRequestBuilder.getInstance("missing:1", "x").build()))
                .isInstanceOf(OllamaException.class).hasMessageContaining("not found");
    }

    @Test
    void asManyOfTheLongestInputsAsANodeTakesReachItWholeAndGetTheirVectors() throws Exception {
        var texts = EmbedInputs.longest(EmbedInputs.MAX_INPUTS);
        var result = client.embed(OllamaEmbedRequestBuilder.getInstance(EMBED, texts.toArray(String[]::new)).build());

        assertThat(result.getEmbeddings()).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = Embeddings.vector(texts.get(i), Embeddings.DIMENSIONS);
            List<Double> got = result.getEmbeddings().get(i);
            assertThat(got).as("vector %d", i).hasSize(expected.length);
            for (int j = 0; j < expected.length; j++) assertThat(got.get(j).floatValue()).as("vector %d", i).isEqualTo(expected[j]);
        }
        EmbedInputs.assertForwarded(ollama.awaitRequest("/api/embed", WAIT), texts);
    }

    @Test
    void oneInputMoreThanANodeTakesIsAnErrorSayingHowManyARequestMayHave() {
        var texts = EmbedInputs.longest(EmbedInputs.MAX_INPUTS + 1).toArray(String[]::new);

        assertThatThrownBy(() -> client.embed(OllamaEmbedRequestBuilder.getInstance(EMBED, texts).build()))
                .isInstanceOf(OllamaException.class)
                .hasMessageContaining("too many inputs: " + texts.length + " (at most " + EmbedInputs.MAX_INPUTS + " per request)");
        assertThat(ollama.requests()).noneMatch(r -> r.path().equals("/api/embed"));
    }
}

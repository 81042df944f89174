package dev.idleclaw.clients.ollama4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.embed.OllamaEmbedRequestBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ollama4j's embed API against the hub's {@code /api/embed}, served by a real node on the stand-in. */
class Ollama4jEmbedTest {
    private static final String EMBED = "nomic-embed-text:latest";
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
}

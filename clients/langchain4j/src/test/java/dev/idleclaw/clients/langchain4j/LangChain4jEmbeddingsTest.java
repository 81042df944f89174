package dev.idleclaw.clients.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's Ollama and OpenAI embedding models against the hub ({@code /api/embed}, {@code /v1/embeddings}),
 * served by a real node on the stand-in: both faces return the node's vectors, one per segment, in order.
 */
class LangChain4jEmbeddingsTest {
    private static final String EMBED = "nomic-embed-text:latest";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static StandInOllama ollama;
    private static Network net;

    @BeforeAll
    static void start() throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(EMBED));
        net = new Network();
        net.addNode(ollama);
    }

    @AfterAll
    static void stop() {
        if (net != null) net.close();
        if (ollama != null) ollama.close();
    }

    private static void assertNodeVectors(EmbeddingModel model) {
        var single = model.embed("first").content().vector();
        assertThat(single).containsExactly(Embeddings.vector("first", Embeddings.DIMENSIONS));

        var many = model.embedAll(List.of(TextSegment.from("second"), TextSegment.from("third"))).content();
        assertThat(many).hasSize(2);
        assertThat(many.get(0).vector()).containsExactly(Embeddings.vector("second", Embeddings.DIMENSIONS));
        assertThat(many.get(1).vector()).containsExactly(Embeddings.vector("third", Embeddings.DIMENSIONS));
    }

    @Test
    void theOllamaEmbeddingModelGetsTheNodesVectors() {
        assertNodeVectors(OllamaEmbeddingModel.builder().baseUrl(net.url()).modelName(EMBED).timeout(TIMEOUT).build());
    }

    @Test
    void theOpenAiEmbeddingModelGetsTheNodesVectors() {
        assertNodeVectors(OpenAiEmbeddingModel.builder().baseUrl(net.url() + "/v1").apiKey("any").modelName(EMBED)
                .timeout(TIMEOUT).build());
    }
}

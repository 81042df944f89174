package dev.idleclaw.clients.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.e2e.EmbedInputs;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's Ollama and OpenAI embedding models against the hub ({@code /api/embed}, {@code /v1/embeddings}),
 * served by a real node on the stand-in: both faces return the node's vectors, one per segment, in order, for as many
 * and as long texts as a node takes, and more inputs than that are refused by name unless the client batches them.
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

    @BeforeEach
    void reset() { ollama.clear(); }

    private static OpenAiEmbeddingModel openAi(int batch) {
        return OpenAiEmbeddingModel.builder().baseUrl(net.url() + "/v1").apiKey("any").modelName(EMBED).timeout(TIMEOUT)
                .maxRetries(0).maxSegmentsPerBatch(batch).build();
    }

    private static void assertVectorsOf(List<String> texts, List<Embedding> embeddings) {
        assertThat(embeddings).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(embeddings.get(i).vector()).as("vector %d", i).containsExactly(Embeddings.vector(texts.get(i), Embeddings.DIMENSIONS));
        }
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

    @Test
    void theOpenAiEmbeddingModelEmbedsAsManyOfTheLongestTextsAsANodeTakesInOneRequest() {
        var texts = EmbedInputs.longest(EmbedInputs.MAX_INPUTS);
        var embeddings = openAi(EmbedInputs.MAX_INPUTS).embedAll(texts.stream().map(TextSegment::from).toList()).content();

        assertVectorsOf(texts, embeddings);
        EmbedInputs.assertForwarded(ollama.awaitRequest("/api/embed", TIMEOUT), texts);
    }

    @Test
    void moreSegmentsThanANodeTakesPassWhenTheClientBatchesThemAtTheLimit() {
        var texts = EmbedInputs.longest(3 * EmbedInputs.MAX_INPUTS + 4);
        var embeddings = openAi(EmbedInputs.MAX_INPUTS).embedAll(texts.stream().map(TextSegment::from).toList()).content();

        assertVectorsOf(texts, embeddings);
        assertThat(ollama.requests().stream().filter(r -> r.path().equals("/api/embed")).count()).isEqualTo(4);
    }

    @Test
    void moreInputsThanANodeTakesInOneRequestIsAnInvalidRequestSayingHowMany() {
        var segments = EmbedInputs.longest(EmbedInputs.MAX_INPUTS + 1).stream().map(TextSegment::from).toList();
        var defaultBatch = OpenAiEmbeddingModel.builder().baseUrl(net.url() + "/v1").apiKey("any").modelName(EMBED)
                .timeout(TIMEOUT).maxRetries(0).build();

        assertThatThrownBy(() -> defaultBatch.embedAll(segments)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("too many inputs: " + segments.size() + " (at most " + EmbedInputs.MAX_INPUTS + " per request)");
        assertThat(ollama.requests()).noneMatch(r -> r.path().equals("/api/embed"));
    }
}

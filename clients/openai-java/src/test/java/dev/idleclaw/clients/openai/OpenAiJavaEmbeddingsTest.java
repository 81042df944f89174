package dev.idleclaw.clients.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK's embeddings API against the hub's {@code /v1/embeddings}. */
class OpenAiJavaEmbeddingsTest {
    private static final String EMBED = "nomic-embed-text";
    private static StandInOllama ollama;
    private static Network net;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(EMBED));
        net = new Network();
        net.addNode(ollama);
        client = OpenAIOkHttpClient.builder().baseUrl(net.url() + "/v1").apiKey("test-key").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (net != null) net.close();
        if (ollama != null) ollama.close();
    }

    private static void assertVector(List<Float> actual, String text, int dimensions) {
        float[] expected = Embeddings.vector(text, dimensions);
        assertThat(actual).hasSize(dimensions);
        for (int i = 0; i < dimensions; i++) assertThat(actual.get(i)).isEqualTo(expected[i]);
    }

    @Test
    void floatEmbeddingsWithDimensions() {
        var response = client.embeddings().create(EmbeddingCreateParams.builder().model(EMBED)
                .inputOfArrayOfStrings(List.of("a", "b")).dimensions(64)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertThat(response.model()).isEqualTo(EMBED);
        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(1).index()).isEqualTo(1);
        assertVector(response.data().get(1).embedding(), "b", 64);
        assertThat(response.usage().promptTokens()).isEqualTo(2);
    }

    @Test
    void base64EmbeddingsDecodeToTheSameFloats() {
        var response = client.embeddings().create(EmbeddingCreateParams.builder().model(EMBED).input("hello")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        assertVector(response.data().getFirst().embedding(), "hello", Embeddings.DIMENSIONS);
    }

    @Test
    void anUnknownModelIsNotFound() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("missing").input("x").build()))
                .isInstanceOf(NotFoundException.class);
    }
}

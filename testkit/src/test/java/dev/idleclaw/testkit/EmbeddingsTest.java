package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {
    private StandInOllama ollama;
    private Client client;

    @BeforeEach
    void start() {
        ollama = StandInOllama.start();
        ollama.model(StandInModel.of("nomic-embed-text")).model(StandInModel.of("llama3.2"));
        client = new Client(ollama);
    }

    @AfterEach
    void stop() {
        ollama.close();
    }

    @Test
    void embedAnswersOneDeterministicUnitVectorPerInputInOllamasShape() {
        var response = client.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"]}");
        assertThat(response.statusCode()).isEqualTo(200);
        var body = json(response.body());
        assertThat(Client.keys(body)).containsExactly("model", "embeddings", "total_duration", "load_duration", "prompt_eval_count");
        assertThat(body.path("embeddings")).hasSize(2);
        assertThat(body.path("embeddings").get(0)).hasSize(Embeddings.DIMENSIONS);
        assertThat(body.path("embeddings").get(0).get(0).floatValue()).isEqualTo(Embeddings.vector("a", Embeddings.DIMENSIONS)[0]);
        double norm = 0;
        for (var x : body.path("embeddings").get(1)) norm += x.doubleValue() * x.doubleValue();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(body.path("prompt_eval_count").asLong()).isEqualTo(2);
    }

    @Test
    void embedHonoursDimensionsAndAcceptsAStringInput() {
        var body = json(client.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"hi\",\"dimensions\":8}").body());
        assertThat(body.path("embeddings")).hasSize(1);
        assertThat(body.path("embeddings").get(0)).hasSize(8);
    }

    @Test
    void embedRefusesUnknownModelsChatModelsAndBadInputAsOllamaDoes() {
        var unknown = client.post("/api/embed", "{\"model\":\"nope\",\"input\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("error").asText()).contains("not found");
        var chat = client.post("/api/embed", "{\"model\":\"llama3.2\",\"input\":\"x\"}");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(json(chat.body()).path("error").asText()).contains("does not support embeddings");
        assertThat(client.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[1]}").statusCode()).isEqualTo(400);
        assertThat(client.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"x\",\"dimensions\":9999}").statusCode()).isEqualTo(400);
    }

    @Test
    void legacyEmbeddingsAnswersOneVectorForThePrompt() {
        var body = json(client.post("/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"a\"}").body());
        assertThat(body.path("embedding")).hasSize(Embeddings.DIMENSIONS);
    }

    @Test
    void anEmbeddingModelShowsTheEmbeddingCapability() {
        var show = json(client.post("/api/show", "{\"model\":\"nomic-embed-text\"}").body());
        assertThat(show.path("capabilities").toString()).isEqualTo("[\"embedding\"]");
    }
}

package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.json;
import static dev.idleclaw.testkit.Client.keys;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelEndpointsTest {
    private static final String HEX64 = "[0-9a-f]{64}";

    private StandInOllama ollama;
    private Client client;

    @BeforeEach
    void start() {
        ollama = StandInOllama.start();
        client = new Client(ollama);
    }

    @AfterEach
    void stop() {
        ollama.close();
    }

    @Test
    void tagsWithoutModelsIsAnEmptyList() {
        assertThat(client.get("/api/tags").body()).isEqualTo("{\"models\":[]}");
        assertThat(client.get("/api/ps").body()).isEqualTo("{\"models\":[]}");
    }

    @Test
    void tagsListFullNamesNewestFirstInGoKeyOrder() {
        ollama.model(StandInModel.of("llama3.2").withModifiedAt("2025-05-04T17:37:44.706015396-07:00"))
                .model(StandInModel.of("qwen3:8b").withModifiedAt("2025-06-01T10:00:00+02:00"));
        var response = client.get("/api/tags");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        var models = json(response.body()).path("models");
        assertThat(models).hasSize(2);
        assertThat(models.get(0).path("name").asText()).isEqualTo("qwen3:8b");
        var llama = models.get(1);
        assertThat(keys(llama)).containsExactly("name", "model", "modified_at", "size", "digest", "details");
        assertThat(llama.path("name").asText()).isEqualTo("llama3.2:latest");
        assertThat(llama.path("model").asText()).isEqualTo("llama3.2:latest");
        assertThat(llama.path("modified_at").asText()).isEqualTo("2025-05-04T17:37:44.706015396-07:00");
        assertThat(llama.path("size").asLong()).isEqualTo(2_019_393_189L);
        assertThat(llama.path("digest").asText()).matches(HEX64);
        assertThat(keys(llama.path("details"))).containsExactly(
                "parent_model", "format", "family", "families", "parameter_size", "quantization_level");
        assertThat(llama.path("details").toString()).isEqualTo("{\"parent_model\":\"\",\"format\":\"gguf\","
                + "\"family\":\"llama\",\"families\":[\"llama\"],\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}");
    }

    @Test
    void defaultModelHasStableDigestAndParsableLocalTimestamp() {
        var model = StandInModel.of("llama3.2");
        assertThat(model.name()).isEqualTo("llama3.2:latest");
        assertThat(model.digest()).matches(HEX64).isEqualTo(StandInModel.of("llama3.2:latest").digest());
        assertThat(OffsetDateTime.parse(model.modifiedAt())).isNotNull();
        assertThat(model.capabilities()).containsExactly("completion", "tools");
        assertThat(StandInModel.of("qwen3:4b").capabilities()).containsExactly("completion", "tools", "thinking");
    }

    @Test
    void headTagsAnswersWithoutBody() {
        ollama.model(StandInModel.of("llama3.2"));
        var response = client.head("/api/tags");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void removedModelDisappearsFromTags() {
        ollama.model(StandInModel.of("llama3.2")).model(StandInModel.of("gemma3")).removeModel("llama3.2");
        assertThat(json(client.get("/api/tags").body()).findValuesAsText("name")).containsExactly("gemma3:latest");
    }

    @Test
    void psListsLoadedModelsWithExpiryInGoKeyOrder() {
        ollama.model(StandInModel.of("mistral"));
        var entry = json(client.get("/api/ps").body()).path("models").get(0);
        assertThat(keys(entry)).containsExactly(
                "name", "model", "size", "digest", "details", "expires_at", "size_vram", "context_length");
        assertThat(OffsetDateTime.parse(entry.path("expires_at").asText())).isAfter(OffsetDateTime.now());
        assertThat(entry.path("size_vram").asLong()).isEqualTo(entry.path("size").asLong());
    }

    @Test
    void showReportsDetailsModelInfoAndCapabilities() {
        ollama.model(StandInModel.of("qwen3"));
        var response = client.post("/api/show", "{\"model\":\"qwen3\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        var show = json(response.body());
        assertThat(keys(show)).containsExactly("modelfile", "parameters", "template", "details", "model_info",
                "capabilities", "modified_at");
        assertThat(show.path("model_info").path("general.architecture").asText()).isEqualTo("llama");
        assertThat(show.path("model_info").path("general.parameter_count").asLong()).isEqualTo(3_200_000_000L);
        assertThat(keys(show.path("model_info"))).isSorted();
        assertThat(show.path("capabilities").toString()).isEqualTo("[\"completion\",\"tools\",\"thinking\"]");
    }

    @Test
    void showAcceptsDeprecatedNameField() {
        ollama.model(StandInModel.of("llama3.2").withCapabilities("completion"));
        var show = json(client.post("/api/show", "{\"name\":\"llama3.2:latest\"}").body());
        assertThat(show.path("capabilities").toString()).isEqualTo("[\"completion\"]");
    }

    @Test
    void showOfUnknownModelIs404AndMissingModelIs400() {
        var unknown = client.post("/api/show", "{\"model\":\"nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"model 'nope' not found\"}");
        var missing = client.post("/api/show", "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("{\"error\":\"model is required\"}");
        assertThat(client.post("/api/show", "").body()).isEqualTo("{\"error\":\"missing request body\"}");
    }
}

package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embeddings doors through a hub and a real node agent on the stand-in Ollama, and original nodes left alone. */
class HubEmbeddingsTest {
    private static final String EMBED = "nomic-embed-text";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StandInOllama ollama;
    private Network net;

    @BeforeEach
    void start() throws Exception {
        ollama = StandInOllama.start().model(StandInModel.of(EMBED)).model(StandInModel.of("llama3.2"));
        net = new Network();
        net.addNode(ollama);
    }

    @AfterEach
    void stop() {
        net.close();
        ollama.close();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(net.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertVector(JsonNode actual, String text, int dimensions) {
        float[] expected = Embeddings.vector(text, dimensions);
        assertThat(actual).hasSize(dimensions);
        for (int i = 0; i < dimensions; i++) assertThat(actual.get(i).floatValue()).isEqualTo(expected[i]);
    }

    @Test
    void ollamaEmbedAnswersTheNodesVectorsInOllamasShape() throws Exception {
        var response = post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[\"first\",\"second\"],\"truncate\":true,"
                + "\"keep_alive\":\"5m\",\"options\":{\"num_ctx\":2048}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var body = Json.parse(response.body());
        assertThat(body.path("model").asText()).isEqualTo(EMBED);
        assertThat(body.path("embeddings")).hasSize(2);
        assertVector(body.path("embeddings").get(0), "first", Embeddings.DIMENSIONS);
        assertVector(body.path("embeddings").get(1), "second", Embeddings.DIMENSIONS);
        assertThat(body.path("prompt_eval_count").asLong()).isEqualTo(4);
        assertThat(body.has("total_duration")).isTrue();
        var sent = Json.parse(ollama.awaitRequest("/api/embed", Duration.ofSeconds(5)).body());
        assertThat(sent.path("model").asText()).isEqualTo(EMBED + ":latest");
        assertThat(sent.path("keep_alive").asText()).isEqualTo("5m");
        assertThat(sent.path("options").path("num_ctx").asInt()).isEqualTo(2048);
    }

    @Test
    void showMarksTheEmbeddingModel() throws Exception {
        var show = Json.parse(post("/api/show", "{\"model\":\"nomic-embed-text\"}").body());
        assertThat(show.path("capabilities").toString()).isEqualTo("[\"embedding\"]");
    }

    private JsonNode get(String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(net.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.parse(response.body());
    }

    private static JsonNode named(JsonNode list, String field, String name) {
        for (JsonNode m : list) if (m.path(field).asText().equals(name)) return m;
        throw new AssertionError(name + " is not in " + list);
    }

    @Test
    void tagsCarryEachModelsCapabilitiesAsTheNodeReportedThem() throws Exception {
        var models = get("/api/tags").path("models");
        assertThat(named(models, "name", EMBED + ":latest").path("capabilities").toString()).isEqualTo("[\"embedding\"]");
        assertThat(named(models, "name", "llama3.2:latest").path("capabilities").toString()).isEqualTo("[\"completion\",\"tools\"]");
    }

    @Test
    void openAiModelsMarkOnlyTheEmbeddingModel() throws Exception {
        var data = get("/v1/models").path("data");
        assertThat(named(data, "id", EMBED + ":latest").path("type").asText()).isEqualTo("embeddings");
        assertThat(named(data, "id", "llama3.2:latest").has("type")).isFalse();
        assertThat(get("/v1/models/" + EMBED + ":latest").path("type").asText()).isEqualTo("embeddings");
    }

    @Test
    void ollamaEmbedHonoursDimensionsAndAStringInput() throws Exception {
        var body = Json.parse(post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"short\",\"dimensions\":16}").body());
        assertThat(body.path("embeddings")).hasSize(1);
        assertVector(body.path("embeddings").get(0), "short", 16);
    }

    @Test
    void legacyEmbeddingsAnswersOneEmbeddingForThePrompt() throws Exception {
        var response = post("/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"hello\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var body = Json.parse(response.body());
        assertThat(body.size()).isEqualTo(1);
        assertVector(body.path("embedding"), "hello", Embeddings.DIMENSIONS);
    }

    @Test
    void openAiEmbeddingsAnswersFloatsInOpenAisShape() throws Exception {
        var response = post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"],\"dimensions\":32}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var body = Json.parse(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo(EMBED);
        assertThat(body.path("data")).hasSize(2);
        var second = body.path("data").get(1);
        assertThat(second.path("object").asText()).isEqualTo("embedding");
        assertThat(second.path("index").asInt()).isEqualTo(1);
        assertVector(second.path("embedding"), "b", 32);
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(2);
        assertThat(body.path("usage").path("total_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void openAiBase64EmbeddingsDecodeToTheSameLittleEndianFloats() throws Exception {
        var body = Json.parse(post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"x\",\"encoding_format\":\"base64\"}").body());
        byte[] bytes = Base64.getDecoder().decode(body.path("data").get(0).path("embedding").asText());
        var floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] expected = Embeddings.vector("x", Embeddings.DIMENSIONS);
        assertThat(floats.remaining()).isEqualTo(expected.length);
        for (float e : expected) assertThat(floats.get()).isEqualTo(e);
    }

    @Test
    void unknownModelsAre404InEachDoorsShape() throws Exception {
        var ollamaDoor = post("/api/embed", "{\"model\":\"nope\",\"input\":\"x\"}");
        assertThat(ollamaDoor.statusCode()).isEqualTo(404);
        assertThat(Json.parse(ollamaDoor.body()).path("error").asText()).isEqualTo("model 'nope' not found");
        var openAi = post("/v1/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}");
        assertThat(openAi.statusCode()).isEqualTo(404);
        assertThat(Json.parse(openAi.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void aModelOllamaCannotEmbedIsTheConsumersError() throws Exception {
        var response = post("/api/embed", "{\"model\":\"llama3.2\",\"input\":\"x\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).path("error").asText()).contains("refused");
    }

    @Test
    void badInputIsRefusedBeforeAnyNodeIsAsked() throws Exception {
        assertThat(post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[1,2]}").statusCode()).isEqualTo(400);
        assertThat(post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"x\",\"encoding_format\":\"hex\"}").statusCode()).isEqualTo(400);
        var many = post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[" + "\"x\",".repeat(32) + "\"x\"]}");
        assertThat(many.statusCode()).isEqualTo(400);
        assertThat(Json.parse(many.body()).path("error").path("message").asText()).contains("too many inputs: 33");
        assertThat(ollama.requests().stream().noneMatch(r -> r.path().equals("/api/embed"))).isTrue();
    }

    @Test
    void aNodeWhoseOllamaIsGoneIsFailedOverBeforeTheAnswer() throws Exception {
        try (var dead = StandInOllama.start().model(StandInModel.of(EMBED))) {
            net.addNode(dead);
            dead.close();
            for (int i = 0; i < 6; i++) {
                var response = post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"y" + i + "\"}");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertVector(Json.parse(response.body()).path("embeddings").get(0), "y" + i, Embeddings.DIMENSIONS);
            }
        }
    }

    @Test
    void anOriginalNodeNeverReceivesAnEmbedRequest() throws Exception {
        try (var original = StandInNode.registered(net.hub.port(), 4, "legacy-embed:latest", EMBED + ":latest")) {
            var only = post("/api/embed", "{\"model\":\"legacy-embed\",\"input\":\"x\"}");
            assertThat(only.statusCode()).isEqualTo(501);
            assertThat(Json.parse(only.body()).path("error").asText()).contains("no node serves embeddings for model 'legacy-embed'");
            var openAi = post("/v1/embeddings", "{\"model\":\"legacy-embed\",\"input\":\"x\"}");
            assertThat(openAi.statusCode()).isEqualTo(501);
            for (int i = 0; i < 6; i++) {
                assertThat(post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"x" + i + "\"}").statusCode()).isEqualTo(200);
            }
            assertThatThrownBy(() -> original.next(Duration.ofMillis(300))).isInstanceOf(AssertionError.class);
        }
    }
}

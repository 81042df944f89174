package dev.idleclaw.front.ollama;

import static dev.idleclaw.front.Bodies.fields;
import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.Bodies.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Ollama face's model routes: {@code /}, {@code /api/version}, {@code /api/tags}, {@code /api/ps}, {@code /api/show}. */
class OllamaModelsTest {
    static final String JSON = "application/json; charset=utf-8";
    static final String LLAMA_DIGEST = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72";
    static final String LLAMA_DETAILS = "{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\",\"families\":[\"llama\"],"
            + "\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}";
    static final String PLACEHOLDER_DETAILS = "{\"parent_model\":\"\",\"format\":\"\",\"family\":\"\",\"families\":null,"
            + "\"parameter_size\":\"\",\"quantization_level\":\"\"}";

    static ObjectNode llama() {
        ObjectNode m = NodeRegistration.model("llama3.2:latest", 2019393189L).put("digest", LLAMA_DIGEST)
                .put("modified_at", "2025-05-04T17:37:44.706015396-07:00");
        m.set("details", json(LLAMA_DETAILS));
        m.putArray("capabilities").add("completion").add("tools");
        return m;
    }

    @Test
    void rootAndVersionAnswerLikeOllama() throws Exception {
        try (var hub = HubFixture.start()) {
            var root = hub.get("/");
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(type(root.headers())).isEqualTo(type("text/plain; charset=utf-8"));
            assertThat(root.body()).isEqualTo("Ollama is running");
            var head = Bodies.raw(hub.port(), "HEAD", "/");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Type").replace(" ", "")).isEqualTo("text/plain;charset=utf-8");
            assertThat(head.body()).isEmpty();

            var version = hub.get("/api/version");
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(type(version.headers())).isEqualTo(type(JSON));
            assertThat(version.body()).matches("\\{\"version\":\"\\d+\\.\\d+\\.\\d+[^\"]*\"}");
            var headVersion = Bodies.raw(hub.port(), "HEAD", "/api/version");
            assertThat(headVersion.status()).isEqualTo(200);
            assertThat(headVersion.body()).isEmpty();
            assertThat(hub.get("/api/ps").body()).isEqualTo("{\"models\":[]}");
            assertThat(hub.get("/api/tags").body()).isEqualTo("{\"models\":[]}");
        }
    }

    @Test
    void tagsListHealthyModelsNewestFirstWithReportedOrPlaceholderMetadata() throws Exception {
        try (var hub = HubFixture.start();
             var described = StandInNode.registered(hub.port(), 2, llama(),
                     NodeRegistration.model("qwen3:8b", 5L).put("modified_at", "2025-09-01T10:00:00Z"));
             var plain = StandInNode.registered(hub.port(), 2, "tinyllama:latest");
             var shunned = StandInNode.registered(hub.port(), 2, "ghost:1b")) {
            hub.zeroReputation(shunned);
            var res = hub.get("/api/tags");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(type(res.headers())).isEqualTo(type(JSON));
            JsonNode models = json(res.body()).path("models");
            assertThat(models.findValuesAsText("name")).containsExactly("tinyllama:latest", "qwen3:8b", "llama3.2:latest");
            for (JsonNode m : models) {
                assertThat(fields(m)).containsExactly("name", "model", "modified_at", "size", "digest", "details", "capabilities");
                assertThat(m.path("model")).isEqualTo(m.path("name"));
                assertThat(m.path("digest").asText()).matches("[0-9a-f]{64}");
                assertThat(m.path("modified_at").asText())
                        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)");
            }
            assertThat(models.get(2).toString()).isEqualTo("{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
                    + "\"modified_at\":\"2025-05-04T17:37:44.706015396-07:00\",\"size\":2019393189,\"digest\":\"" + LLAMA_DIGEST
                    + "\",\"details\":" + LLAMA_DETAILS + ",\"capabilities\":[\"completion\",\"tools\"]}");
            // RFC 3339 needs the seconds even when they are zero (Go clients reject "10:00Z").
            assertThat(models.get(1).path("modified_at").asText()).isEqualTo("2025-09-01T10:00:00Z");
            JsonNode tiny = models.get(0);
            assertThat(tiny.path("details").toString()).isEqualTo(PLACEHOLDER_DETAILS);
            assertThat(tiny.path("size").asLong()).isEqualTo(1000);
            JsonNode again = json(hub.get("/api/tags").body()).path("models").get(0);
            assertThat(again.path("digest")).isEqualTo(tiny.path("digest"));
            assertThat(again.path("modified_at")).isEqualTo(tiny.path("modified_at"));
            assertThat(json(hub.get("/v1/models").body()).path("data").findValuesAsText("id"))
                    .containsExactly("tinyllama:latest", "qwen3:8b", "llama3.2:latest");
        }
    }

    @Test
    void showDescribesKnownModelsAndRefusesUnknownOnes() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, llama())) {
            for (String body : List.of("{\"model\":\"llama3.2:latest\"}", "{\"name\":\"llama3.2:latest\"}", "{\"model\":\"llama3.2\"}")) {
                var res = hub.post("/api/show", body);
                assertThat(res.statusCode()).as(body).isEqualTo(200);
                assertThat(type(res.headers())).isEqualTo(type(JSON));
                JsonNode show = json(res.body());
                assertThat(fields(show)).containsSubsequence("details", "model_info", "capabilities");
                List<String> order = List.of("license", "modelfile", "parameters", "template", "system", "renderer", "parser", "details",
                        "messages", "remote_model", "remote_host", "model_info", "projector_info", "tensors", "capabilities",
                        "modified_at", "requires");
                assertThat(order).containsSubsequence(fields(show));
                assertThat(show.path("details").toString()).isEqualTo(LLAMA_DETAILS);
                assertThat(show.path("model_info").isObject()).isTrue();
                assertThat(show.path("capabilities").toString()).isEqualTo("[\"completion\",\"tools\"]");
            }
            for (String noModel : List.of("{}", "{\"model\":\"\"}", "{\"name\":\"\"}")) {
                var missing = hub.post("/api/show", noModel);
                assertThat(missing.statusCode()).as(noModel).isEqualTo(400);
                assertThat(missing.body()).isEqualTo("{\"error\":\"model is required\"}");
            }
            var unknown = hub.post("/api/show", "{\"model\":\"nope:1b\"}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(type(unknown.headers())).isEqualTo(type(JSON));
            assertThat(unknown.body()).isEqualTo("{\"error\":\"model 'nope:1b' not found\"}");
        }
    }
}

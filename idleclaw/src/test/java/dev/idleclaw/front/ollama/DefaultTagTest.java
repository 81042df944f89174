package dev.idleclaw.front.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ollama's name rules: an untagged name means {@code :latest}; replies echo what the client asked for. */
class DefaultTagTest {

    @Test
    void anUntaggedModelIsServedByTheLatestTagAndEchoedAsRequested() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:latest").servingWithMetrics(List.of("ok"))) {
            var res = hub.post("/api/chat", "{\"model\":\"llama3.2\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Bodies.json(res.body()).path("model").asText()).isEqualTo("llama3.2");
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("model").asText()).isEqualTo("llama3.2:latest");
            var openai = hub.post("/v1/chat/completions", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(openai.statusCode()).isEqualTo(200);
            assertThat(Bodies.json(openai.body()).path("model").asText()).isEqualTo("llama3.2");
        }
    }

    @Test
    void aTaggedNameIsNeverRewritten() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:latest")) {
            var res = hub.post("/api/chat", "{\"model\":\"llama3.2:3b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(res.statusCode()).isEqualTo(404);
            assertThat(res.body()).isEqualTo("{\"error\":\"model 'llama3.2:3b' not found\"}");
        }
    }

    @Test
    void createdAtTrimsTrailingZerosLikeGo() {
        assertThat(Rfc3339.utc(Instant.parse("2025-07-07T20:22:19.184780Z"))).isEqualTo("2025-07-07T20:22:19.18478Z");
        assertThat(Rfc3339.utc(Instant.parse("2025-07-07T20:22:19.100Z"))).isEqualTo("2025-07-07T20:22:19.1Z");
        assertThat(Rfc3339.utc(Instant.parse("2025-07-07T20:22:19Z"))).isEqualTo("2025-07-07T20:22:19Z");
        assertThat(Rfc3339.utc(Instant.parse("2025-07-07T20:22:19.000000001Z"))).isEqualTo("2025-07-07T20:22:19.000000001Z");
    }
}

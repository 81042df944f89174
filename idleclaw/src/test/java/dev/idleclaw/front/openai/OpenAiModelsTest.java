package dev.idleclaw.front.openai;

import static dev.idleclaw.front.openai.Completions.ASK;
import static dev.idleclaw.front.openai.Completions.PATH;
import static dev.idleclaw.front.openai.Completions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.NodeRegistration;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/models}, {@code /v1/models/{id}}, keyless bearer auth and the chat rate limit in OpenAI's shape (§1, §6, §7). */
class OpenAiModelsTest {
    static final String HF = "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M";

    @Test
    void modelsListTheNetworkAndOneModelIsFoundByItsFullId() throws Exception {
        try (var hub = HubFixture.start()) {
            var empty = hub.get("/v1/models");
            assertThat(empty.statusCode()).isEqualTo(200);
            assertThat(Bodies.type(empty.headers())).isEqualTo("application/json");
            assertThat(empty.body()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
            try (var node = StandInNode.registered(hub.port(), 2,
                    NodeRegistration.model("llama3.2:latest", 1).put("modified_at", "2025-05-04T17:37:44.706015396-07:00"),
                    NodeRegistration.model(HF, 2).put("modified_at", "2025-01-01T00:00:00Z"))) {
                for (String auth : List.of("", "Bearer anything")) {
                    var res = auth.isEmpty() ? hub.get("/v1/models") : hub.get("/v1/models", "Authorization", auth);
                    assertThat(res.body()).isEqualTo("{\"object\":\"list\",\"data\":["
                            + "{\"id\":\"llama3.2:latest\",\"object\":\"model\",\"created\":1746405464,\"owned_by\":\"idleclaw\"},"
                            + "{\"id\":\"" + HF + "\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"idleclaw\"}]}");
                }
                var one = hub.get("/v1/models/" + HF, "Authorization", "Bearer sk-whatever");
                assertThat(one.statusCode()).isEqualTo(200);
                assertThat(one.body()).isEqualTo("{\"id\":\"" + HF + "\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"idleclaw\"}");
                assertError(hub.get("/v1/models/hf.co/nobody/nothing:Q4"), 404, "model 'hf.co/nobody/nothing:Q4' not found",
                        "not_found_error", "model_not_found");
            }
        }
    }

    @Test
    void anyBearerOrNoneIsAcceptedForChat() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b").servingWithMetrics(List.of("Hi"))) {
            String body = "{\"model\":\"llama3.2:3b\"," + ASK + "}";
            assertThat(hub.post(PATH, body).statusCode()).isEqualTo(200);
            assertThat(hub.post(PATH, body, "Authorization", "Bearer anything").statusCode()).isEqualTo(200);
            assertThat(hub.post(PATH, body, "Authorization", "Bearer", "X-Stainless-Lang", "java", "OpenAI-Beta", "x").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void theChatRateLimitAnswers429InOpenAisShape() throws Exception {
        try (var hub = HubFixture.start(c -> c.chatRpm = 1); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b").servingWithMetrics(List.of("Hi"))) {
            String body = "{\"model\":\"llama3.2:3b\"," + ASK + "}";
            assertThat(hub.post(PATH, body).statusCode()).isEqualTo(200);
            var limited = hub.post(PATH, body);
            assertError(limited, 429, Bodies.json(limited.body()).path("error").path("message").asText(), "api_error", "rate_limit_exceeded");
            assertThat(Bodies.json(limited.body()).path("error").path("message").asText()).isNotBlank();
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }
}

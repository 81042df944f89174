package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.keys;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Non-streamed {@code /v1/chat/completions}, OpenAI error objects, and {@code /v1/models} as Ollama writes them. */
class OpenAiErrorsAndModelsTest extends StandInTestBase {
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    /** What Lobstah's engine-ollama sends for a non-streamed chat. */
    private static final String LOBSTAH_SINGLE = "{\"model\":\"llama3.2\"," + MESSAGES + ",\"stream\":false}";
    /** gin's c.JSON (the layer's own checks) and Go's json.Encoder (everything passed through the layer). */
    private static final String GIN_JSON = "application/json; charset=utf-8";
    private static final String ENCODER_JSON = "application/json";

    private static void assertOpenAiError(HttpResponse<String> response, int status, String type, String message, String contentType) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(response.body()).endsWith(contentType.equals(ENCODER_JSON) ? "}}\n" : "}}");
        var expected = Client.JSON.createObjectNode();
        expected.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        assertThat(Client.json(response.body())).isEqualTo(expected);
        assertThat(keys(Client.json(response.body()).path("error"))).containsExactly("message", "type", "param", "code");
    }

    @Test
    void lobstahsNonStreamedRequestGetsOneChatCompletionFromGosEncoder() {
        ollama.behaviour(Behaviour.defaults().withPromptEvalCount(3));
        var response = client.post("/v1/chat/completions", LOBSTAH_SINGLE);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ENCODER_JSON);
        assertThat(response.body()).endsWith("}\n");
        var completion = Client.json(response.body());
        assertThat(keys(completion)).containsExactly("id", "object", "created", "model", "system_fingerprint", "choices", "usage");
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
        assertThat(completion.path("choices").get(0).toString()).isEqualTo("{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + String.join("", Behaviour.DEFAULT_TOKENS) + "\"},\"finish_reason\":\"stop\"}");
        assertThat(completion.path("usage").toString()).isEqualTo("{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}");
        assertThat(ollama.awaitRequest("/v1/chat/completions", Client.TIMEOUT).body()).isEqualTo(LOBSTAH_SINGLE);
    }

    @Test
    void streamAbsentMeansOneCompletionNotAStream() {
        var response = client.post("/v1/chat/completions", "{\"model\":\"llama3.2\"," + MESSAGES + "}");
        assertThat(Client.json(response.body()).path("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void theLayersOwnChecksAnswerWithGinsJson() {
        var cases = new String[][] {
            {"", "EOF"},
            {"{\"model\":\"llama3.2\",\"messages\":[]}", "[] is too short - 'messages'"},
            {"{\"model\":\"llama3.2\"}", "[] is too short - 'messages'"},
            {"{\"model\":5," + MESSAGES + "}", "json: cannot unmarshal number into Go struct field ChatCompletionRequest.model of type string"},
            {"{\"model\":\"llama3.2\"," + MESSAGES + ",\"max_tokens\":1.5}", "json: cannot unmarshal number 1.5 into Go struct field ChatCompletionRequest.max_tokens of type int"},
            {"{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "invalid message content type: float64"},
            {"{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\"}]}", "invalid message content type: <nil>"},
            {"{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}", "invalid message format"},
            {"{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}", "invalid image input"},
            {"{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]}]}", "invalid tool call arguments"},
            {"{\"model\":\"llama3.2\"," + MESSAGES + ",\"reasoning_effort\":\"max\"}", "invalid reasoning value: 'max' (must be \"high\", \"medium\", \"low\", or \"none\")"},
        };
        for (var c : cases) {
            assertOpenAiError(client.post("/v1/chat/completions", c[0]), 400, "invalid_request_error", c[1], GIN_JSON);
        }
        assertThat(ollama.openStreams()).isZero();
    }

    @Test
    void nativeErrorsPassThroughTheLayerTypedByStatus() {
        assertOpenAiError(client.post("/v1/chat/completions", LOBSTAH_SINGLE.replace("llama3.2", "nope")), 404,
                "not_found_error", "model 'nope' not found", ENCODER_JSON);
        assertOpenAiError(client.post("/v1/chat/completions", LOBSTAH_SINGLE.replace("\"llama3.2\"", "\"\"")), 400,
                "invalid_request_error", "model is required", ENCODER_JSON);
        ollama.model(StandInModel.of("plain").withCapabilities("completion"));
        var tools = "{\"model\":\"plain\"," + MESSAGES + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";
        assertOpenAiError(client.post("/v1/chat/completions", tools), 400, "invalid_request_error",
                "registry.ollama.ai/library/plain:latest does not support tools", ENCODER_JSON);
        ollama.behaviour(Behaviour.defaults().busy());
        assertOpenAiError(client.post("/v1/chat/completions", LOBSTAH_SINGLE), 503, "api_error", Behaviour.BUSY_MESSAGE, ENCODER_JSON);
        ollama.behaviour(Behaviour.defaults().withErrorAfter(2, "late"));
        assertOpenAiError(client.post("/v1/chat/completions", LOBSTAH_SINGLE), 500, "api_error", "late", ENCODER_JSON);
    }

    @Test
    void modelListIsNewestFirstWithTheTagAndNullDataWhenEmpty() {
        ollama.model(StandInModel.of("old:1b").withModifiedAt("2024-05-06T07:08:09+02:00"));
        var response = client.get("/v1/models");
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ENCODER_JSON);
        var list = Client.json(response.body());
        assertThat(keys(list)).containsExactly("object", "data");
        assertThat(list.path("data").get(1).toString())
                .isEqualTo("{\"id\":\"old:1b\",\"object\":\"model\",\"created\":1714972089,\"owned_by\":\"library\"}");
        assertThat(list.path("data").get(0).path("id").asText()).isEqualTo("llama3.2:latest");

        ollama.removeModel("llama3.2").removeModel("old:1b");
        assertThat(client.get("/v1/models").body()).isEqualTo("{\"object\":\"list\",\"data\":null}\n");
    }

    @Test
    void oneModelEchoesTheRequestedNameAndUnknownOnesAre404s() {
        var one = client.get("/v1/models/llama3.2");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(Client.json(one.body()).path("id").asText()).isEqualTo("llama3.2");
        assertThat(Client.json(client.get("/v1/models/llama3.2:latest").body()).path("id").asText()).isEqualTo("llama3.2:latest");
        assertOpenAiError(client.get("/v1/models/nope"), 404, "not_found_error", "model 'nope' not found", ENCODER_JSON);
        assertThat(client.get("/v1/models/library/llama3.2").statusCode()).isEqualTo(404); // one path segment only
        assertThat(client.post("/v1/models", "").statusCode()).isEqualTo(405);
        assertThat(client.get("/v1/chat/completions").statusCode()).isEqualTo(405);
    }
}

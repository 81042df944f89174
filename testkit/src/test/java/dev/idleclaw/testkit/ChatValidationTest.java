package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatValidationTest {
    private StandInOllama ollama;
    private Client client;

    @BeforeEach
    void start() {
        ollama = StandInOllama.start().model(StandInModel.of("llama3.2"))
                .model(StandInModel.of("plain").withCapabilities("completion"));
        client = new Client(ollama);
    }

    @AfterEach
    void stop() {
        ollama.close();
    }

    @Test
    void emptyBodyIsMissingRequestBody() {
        assertError(client.post("/api/chat", ""), 400, "missing request body");
        assertError(client.post("/api/chat", "  \n"), 400, "missing request body");
    }

    @Test
    void malformedJsonGetsGoDecoderMessages() {
        assertError(client.post("/api/chat", "x"), 400, "invalid character 'x' looking for beginning of value");
        assertError(client.post("/api/chat", "{\"model\":"), 400, "unexpected EOF");
        assertError(client.post("/api/chat", "{model:1}"), 400,
                "invalid character 'm' looking for beginning of object key string");
        assertError(client.post("/api/chat", "{\"model\":\"a\" \"b\"}"), 400,
                "invalid character '\"' after object key:value pair");
        assertError(client.post("/api/chat", "{\"model\":42}"), 400,
                "json: cannot unmarshal number into Go struct field ChatRequest.model of type string");
        assertError(client.post("/api/chat", "[]"), 400,
                "json: cannot unmarshal array into Go value of type api.ChatRequest");
    }

    @Test
    void missingModelIsRequired() {
        assertError(client.post("/api/chat", "{" + HI + "}"), 400, "model is required");
        assertError(client.post("/api/chat", "{\"model\":\"\"," + HI + "}"), 400, "model is required");
    }

    @Test
    void unknownModelIs404WithTheNameAsRequested() {
        assertError(client.post("/api/chat", "{\"model\":\"Nope:7b\"," + HI + "}"), 404, "model 'Nope:7b' not found");
    }

    @Test
    void thinkMustBeABooleanOrAKnownLevel() {
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"think\":\"extreme\"," + HI + "}"), 400,
                "invalid think value: \"extreme\" (must be \"high\", \"medium\", \"low\", \"max\", true, or false)");
        assertThat(client.post("/api/chat", "{\"model\":\"llama3.2\",\"think\":false," + HI + "}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void keepAliveMustBeAGoDurationOrANumber() {
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"keep_alive\":\"soon\"," + HI + "}"), 400,
                "time: invalid duration \"soon\"");
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"keep_alive\":\"-1\"," + HI + "}"), 400,
                "time: missing unit in duration \"-1\"");
        for (var keepAlive : new String[] {"\"5m\"", "\"1h30m\"", "\"-1m\"", "300", "-1", "\"2.5s\""}) {
            var response = client.post("/api/chat", "{\"model\":\"llama3.2\",\"keep_alive\":" + keepAlive + "," + HI + "}");
            assertThat(response.statusCode()).as(keepAlive).isEqualTo(200);
        }
    }

    @Test
    void topLogprobsOutsideRangeIsRejected() {
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"top_logprobs\":21," + HI + "}"), 400,
                "top_logprobs must be between 0 and 20");
    }

    @Test
    void toolsForAModelWithoutToolSupportAreRejectedWithTheRegistryName() {
        assertError(client.post("/api/chat", "{\"model\":\"plain\",\"tools\":[{\"type\":\"function\"}]," + HI + "}"),
                400, "registry.ollama.ai/library/plain:latest does not support tools");
    }

    @Test
    void modelsWithoutCompletionCannotChatOrGenerate() {
        ollama.model(StandInModel.of("nomic-embed-text").withCapabilities("embedding"));
        assertError(client.post("/api/chat", "{\"model\":\"nomic-embed-text\"," + HI + "}"), 400,
                "\"nomic-embed-text\" does not support chat");
        assertError(client.post("/api/generate", "{\"model\":\"nomic-embed-text\",\"prompt\":\"x\"}"), 400,
                "\"nomic-embed-text\" does not support generate");
    }

    @Test
    void toleratesWhatRealClientsSend() {
        var body = """
                {"model":"llama3.2","useTools":true,"tools":[],"keep_alive":"5m","think":null,"format":null,
                 "options":{"stop":[],"temperature":0.2,"num_ctx":4096},"stream":true,"somethingNew":{"x":[1]},
                 "messages":[{"role":"system","content":"be brief","images":null,"thinking":null,"tool_calls":[]},
                             {"role":"user","content":"hi","images":null,"tool_calls":[],"tool_name":null}]}""";
        var response = client.send("POST", "/api/chat", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines(response.body()).getLast().path("done").asBoolean()).isTrue();
    }

    @Test
    void preStreamErrorAnswersStatusAndJsonBeforeAnyByte() {
        ollama.behaviour(Behaviour.defaults().busy());
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\"," + HI + "}"), 503,
                "server busy, please try again.  maximum pending requests exceeded");
        ollama.behaviour("llama3.2", Behaviour.defaults().withPreStreamError(500, "boom"));
        assertError(client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"x\"}"), 500, "boom");
    }

    static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        var expected = Client.JSON.createObjectNode().put("error", message).toString();
        assertThat(Client.json(response.body()).toString()).isEqualTo(expected);
    }
}

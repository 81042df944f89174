package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatValidationTest.assertError;
import static dev.idleclaw.testkit.Client.json;
import static dev.idleclaw.testkit.Client.keys;
import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GenerateTest {
    private StandInOllama ollama;
    private Client client;

    @BeforeEach
    void start() {
        ollama = StandInOllama.start().model(StandInModel.of("llama3.2")).model(StandInModel.of("qwen3"));
        client = new Client(ollama);
    }

    @AfterEach
    void stop() {
        ollama.close();
    }

    @Test
    void streamsResponseFieldsEndingWithDoneContextAndMetrics() {
        var response = client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"Why is the sky blue?\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        var chunks = lines(response.body());
        assertThat(chunks).hasSize(6);
        assertThat(keys(chunks.getFirst())).containsExactly("model", "created_at", "response", "done");
        assertThat(chunks.getFirst().path("response").asText()).isEqualTo("Hello");
        assertThat(keys(chunks.getLast())).containsExactly("model", "created_at", "response", "done", "done_reason",
                "context", "total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
                "eval_count", "eval_duration");
        assertThat(chunks.getLast().path("context").isArray()).isTrue();
    }

    @Test
    void streamFalseConcatenatesTheResponse() {
        var reply = json(client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"x\",\"stream\":false}").body());
        assertThat(reply.path("response").asText()).isEqualTo("Hello from the stand-in.");
        assertThat(reply.path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void thinkingPrecedesTheResponse() {
        var chunks = lines(client.post("/api/generate", "{\"model\":\"qwen3\",\"prompt\":\"x\",\"think\":true}").body());
        assertThat(chunks.getFirst().toString()).contains("\"response\":\"\",\"thinking\":\"The user\",\"done\":false");
    }

    @Test
    void emptyPromptLoadsAndKeepAliveZeroUnloads() {
        var load = client.post("/api/generate", "{\"model\":\"llama3.2\"}").body();
        assertThat(load).matches("\\{\"model\":\"llama3.2\",\"created_at\":\"[^\"]+\",\"response\":\"\","
                + "\"done\":true,\"done_reason\":\"load\"}");
        var unload = json(client.post("/api/generate", "{\"model\":\"llama3.2\",\"keep_alive\":0}").body());
        assertThat(unload.path("done_reason").asText()).isEqualTo("unload");
    }

    @Test
    void blankOrUnknownModelIs404() {
        assertError(client.post("/api/generate", "{\"prompt\":\"x\"}"), 404, "model '' not found");
        assertError(client.post("/api/generate", "{\"model\":\"nope\",\"prompt\":\"x\"}"), 404, "model 'nope' not found");
        assertError(client.post("/api/generate", ""), 400, "missing request body");
    }

    @Test
    void rawModeRejectsSystemTemplateAndContext() {
        assertError(client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"x\",\"raw\":true,\"system\":\"s\"}"),
                400, "raw mode does not support template, system, or context");
        assertThat(client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"x\",\"raw\":true}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void failureModesApplyToGenerateToo() {
        ollama.behaviour(Behaviour.defaults().withErrorAfter(1, Behaviour.RUNNER_ERROR));
        var chunks = lines(client.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"x\"}").body());
        assertThat(chunks).hasSize(2);
        assertThat(chunks.getLast().toString())
                .isEqualTo("{\"error\":\"an error was encountered while running the model\"}");
    }
}

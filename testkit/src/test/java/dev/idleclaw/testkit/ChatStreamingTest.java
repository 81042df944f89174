package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.json;
import static dev.idleclaw.testkit.Client.keys;
import static dev.idleclaw.testkit.Client.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatStreamingTest extends StandInTestBase {
    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final String CREATED_AT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z";
    private static final List<String> FINAL_KEYS = List.of("model", "created_at", "message", "done", "done_reason",
            "total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count",
            "eval_duration");

    @Test
    void streamsTokensAsNdjsonEndingWithDoneAndMetrics() {
        var response = client.post("/api/chat", "{\"model\":\"llama3.2\"," + HI + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        var chunks = lines(response.body());
        assertThat(chunks).hasSize(6);
        for (var chunk : chunks.subList(0, 5)) {
            assertThat(keys(chunk)).containsExactly("model", "created_at", "message", "done");
            assertThat(keys(chunk.path("message"))).containsExactly("role", "content");
            assertThat(chunk.path("done").asBoolean()).isFalse();
        }
        assertThat(chunks.stream().map(c -> c.path("message").path("content").asText()))
                .containsExactly("Hello", " from", " the", " stand-in", ".", "");
        var last = chunks.getLast();
        assertThat(keys(last)).isEqualTo(FINAL_KEYS);
        assertThat(last.path("message").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(last.path("done_reason").asText()).isEqualTo("stop");
        assertThat(last.path("eval_count").asInt()).isEqualTo(5);
        assertThat(last.path("prompt_eval_count").asInt()).isPositive();
        assertThat(last.path("total_duration").asLong()).isGreaterThanOrEqualTo(last.path("load_duration").asLong()
                + last.path("prompt_eval_duration").asLong() + last.path("eval_duration").asLong());
    }

    @Test
    void echoesModelAsRequestedAndStampsUtcCreatedAt() {
        var chunks = lines(client.post("/api/chat", "{\"model\":\"llama3.2\"," + HI + "}").body());
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("model").asText()).isEqualTo("llama3.2");
            assertThat(chunk.path("created_at").asText()).matches(CREATED_AT);
        });
        var tagged = lines(client.post("/api/chat", "{\"model\":\"llama3.2:latest\"," + HI + "}").body());
        assertThat(tagged.getFirst().path("model").asText()).isEqualTo("llama3.2:latest");
    }

    @Test
    void streamFalseAnswersOneObjectWithConcatenatedContent() {
        var response = client.post("/api/chat", "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        var reply = json(response.body());
        assertThat(keys(reply)).isEqualTo(FINAL_KEYS);
        assertThat(reply.path("message").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"Hello from the stand-in.\"}");
        assertThat(reply.path("done").asBoolean()).isTrue();
    }

    @Test
    void numPredictCutsTheReplyWithDoneReasonLength() {
        ollama.behaviour(Behaviour.defaults().withTokenCount(10));
        var chunks = lines(client.post("/api/chat",
                "{\"model\":\"llama3.2\",\"options\":{\"num_predict\":3,\"stop\":[]}," + HI + "}").body());
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(2).path("message").path("content").asText()).isEqualTo("tok2 ");
        assertThat(chunks.getLast().path("done_reason").asText()).isEqualTo("length");
        assertThat(chunks.getLast().path("eval_count").asInt()).isEqualTo(3);
        var roomy = lines(client.post("/api/chat",
                "{\"model\":\"llama3.2\",\"options\":{\"num_predict\":50}," + HI + "}").body());
        assertThat(roomy.getLast().path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void emptyMessagesLoadTheModelAndKeepAliveZeroUnloadsIt() {
        for (var body : List.of("{\"model\":\"llama3.2\"}", "{\"model\":\"llama3.2\",\"messages\":[]}")) {
            var response = client.post("/api/chat", body);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(response.body()).matches("\\{\"model\":\"llama3.2\",\"created_at\":\"[^\"]+\","
                    + "\"message\":\\{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"load\"}");
        }
        for (var keepAlive : List.of("0", "\"0\"", "\"0s\"", "\"0m0s\"")) {
            var reply = json(client.post("/api/chat", "{\"model\":\"llama3.2\",\"keep_alive\":" + keepAlive + "}").body());
            assertThat(reply.path("done_reason").asText()).as(keepAlive).isEqualTo("unload");
        }
        var forever = json(client.post("/api/chat", "{\"model\":\"llama3.2\",\"keep_alive\":-1}").body());
        assertThat(forever.path("done_reason").asText()).isEqualTo("load");
    }

    @Test
    void perModelBehaviourOverridesTheDefault() {
        ollama.model(StandInModel.of("gemma3")).behaviour("gemma3", Behaviour.defaults().withTokens("A", "B"));
        ollama.behaviour(Behaviour.defaults().withTokens("X"));
        assertThat(contents("gemma3")).containsExactly("A", "B", "");
        assertThat(contents("llama3.2")).containsExactly("X", "");
    }

    @Test
    void escapesHtmlCharactersLikeGo() {
        ollama.behaviour(Behaviour.defaults().withTokens("<b>&</b>"));
        var body = client.post("/api/chat", "{\"model\":\"llama3.2\"," + HI + "}").body();
        assertThat(body).contains("\"content\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"");
        assertThat(lines(body).getFirst().path("message").path("content").asText()).isEqualTo("<b>&</b>");
    }

    private List<String> contents(String model) {
        var chunks = lines(client.post("/api/chat", "{\"model\":\"" + model + "\"," + HI + "}").body());
        return chunks.stream().map((JsonNode c) -> c.path("message").path("content").asText()).toList();
    }
}

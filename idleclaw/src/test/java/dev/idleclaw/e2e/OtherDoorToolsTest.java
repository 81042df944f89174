package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.TEXT;
import static dev.idleclaw.e2e.ToolNetwork.search;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-side tools through the OpenAI and Ollama doors: only when asked for, never mixed with the consumer's tools. */
class OtherDoorToolsTest {
    private static final String CONSUMER_TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    private static String openAi(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]" + extra + "}";
    }

    @Test
    void theOpenAiDoorSearchesWhenTheRequestCarriesWebSearchOptions() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("oslo weather")));
            var res = t.post("/v1/chat/completions", openAi(NATIVE, ",\"web_search_options\":{}"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            var message = Json.parse(res.body()).path("choices").get(0).path("message");
            assertThat(message.path("content").asText()).isEqualTo("The answer.");
            assertThat(message.has("tool_calls")).isFalse();
            assertThat(t.searx.queries()).containsExactly("oslo weather");
        }
    }

    @Test
    void theOpenAiDoorStreamsATextToolModelsAnswerWithoutItsToolCallText() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("streamed")));
            var res = t.post("/v1/chat/completions", openAi(TEXT, ",\"stream\":true,\"web_search_options\":{\"search_context_size\":\"low\"}"));
            assertThat(res.body()).doesNotContain("tool_call>").doesNotContain("<tool");
            var content = new StringBuilder();
            for (String line : res.body().split("\n")) {
                if (!line.startsWith("data: {")) continue;
                content.append(Json.parse(line.substring(6)).path("choices").path(0).path("delta").path("content").asText(""));
            }
            assertThat(content.toString()).isEqualTo("Let me check. The answer.");
            assertThat(t.searx.queries()).containsExactly("streamed");
        }
    }

    @Test
    void theOpenAiDoorOffersNoToolWithoutWebSearchOptions() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("unasked")));
            var res = t.post("/v1/chat/completions", openAi(NATIVE, ""));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(t.chats().getFirst().has("tools")).isFalse();
            assertThat(t.searx.queries()).isEmpty();
        }
    }

    @Test
    void aRequestWithItsOwnToolsPassesThroughUntouchedEvenWithWebSearchOptions() throws Exception {
        try (var t = new ToolNetwork(c -> c.toolsForAllDoors = true)) {
            t.model(List.of(search("not mine")));
            var res = t.post("/v1/chat/completions", openAi(NATIVE, ",\"web_search_options\":{},\"tools\":" + CONSUMER_TOOLS));
            assertThat(res.statusCode()).isEqualTo(200);
            var sent = t.chats().getFirst();
            assertThat(sent.path("tools")).isEqualTo(Json.parse(CONSUMER_TOOLS));
            assertThat(sent.path("messages").get(0).path("content").asText()).doesNotContain("tool_call");
            // the model's call is the consumer's to run: handed back, not executed
            var calls = Json.parse(res.body()).path("choices").get(0).path("message").path("tool_calls");
            assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("web_search");
            assertThat(t.searx.queries()).isEmpty();

            var ollama = t.post("/api/chat", "{\"model\":\"" + NATIVE + "\",\"stream\":false,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Weather?\"}],\"tools\":" + CONSUMER_TOOLS + "}");
            assertThat(ollama.statusCode()).isEqualTo(200);
            assertThat(t.chats().getLast().path("tools")).isEqualTo(Json.parse(CONSUMER_TOOLS));
            assertThat(t.searx.queries()).isEmpty();
        }
    }

    @Test
    void theOllamaDoorSearchesOnlyWithToolsForAllDoorsAndItsTokenCountsAddUp() throws Exception {
        String body = "{\"model\":\"" + NATIVE + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}";
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("ollama door")));
            var res = t.post("/api/chat", body);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(t.chats().getFirst().has("tools")).isFalse();
            assertThat(t.searx.queries()).isEmpty();
        }
        try (var t = new ToolNetwork(c -> c.toolsForAllDoors = true)) {
            t.ollama.behaviour(Behaviour.defaults().withTokens("The", " answer", ".").withEvalCount(7).withPromptEvalCount(100)
                    .withToolRounds(List.of(search("ollama door"))));
            var res = t.post("/api/chat", body);
            assertThat(res.statusCode()).isEqualTo(200);
            var answer = Json.parse(res.body());
            assertThat(answer.path("message").path("content").asText()).isEqualTo("The answer.");
            assertThat(answer.path("message").has("tool_calls")).isFalse();
            assertThat(answer.path("eval_count").asLong()).isEqualTo(14);
            assertThat(answer.path("prompt_eval_count").asLong()).isEqualTo(200);
            assertThat(t.searx.queries()).containsExactly("ollama door");
        }
    }
}

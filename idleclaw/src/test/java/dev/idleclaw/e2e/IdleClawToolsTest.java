package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.TEXT;
import static dev.idleclaw.e2e.ToolNetwork.call;
import static dev.idleclaw.e2e.ToolNetwork.search;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.server.Sse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Server-side tools through the IdleClaw SSE door, end to end: hub, real node agent, stand-in Ollama and SearXNG. */
class IdleClawToolsTest {

    @Test
    void aNativeToolModelSearchesOnceThenAnswersWithStatusDeltasUnderOneId() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("weather in Oslo")));
            var res = t.idleClaw(NATIVE, "What is the weather in Oslo?");
            assertThat(res.statusCode()).isEqualTo(200);
            var sse = Sse.parse(res.body());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(statuses(sse)).containsExactly("web_search:executing", "web_search:done");
            assertThat(sse.data().stream().filter(d -> !d.equals("[DONE]")).map(IdleClawToolsTest::id).distinct()).hasSize(1);
            assertThat(sse.data().getLast()).isEqualTo("[DONE]");
            assertThat(t.searx.queries()).containsExactly("weather in Oslo");

            var chats = t.chats();
            assertThat(chats).hasSize(2);
            assertThat(chats.get(0).path("tools").get(0).path("function").path("name").asText()).isEqualTo("web_search");
            var second = messages(chats.get(1));
            var assistant = second.get(second.size() - 2);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            String callId = assistant.path("tool_calls").get(0).path("id").asText();
            var result = second.getLast();
            assertThat(result.path("role").asText()).isEqualTo("tool");
            assertThat(result.path("tool_call_id").asText()).isEqualTo(callId).isNotEmpty();
            assertThat(result.path("content").asText()).contains("Search results:").contains("About weather in Oslo")
                    .contains("URL: https://example.org/about/");

            var metrics = t.net.hub.metrics().scrape("text/plain");
            assertThat(metrics).containsPattern("idleclaw_tool_calls_total\\{[^}]*outcome=\"ok\"[^}]*tool=\"web_search\"[^}]*} 1\\.0")
                    .contains("idleclaw_tool_latency_seconds_bucket");
        }
    }

    @Test
    void aTextToolModelGetsTheInstructionsAndItsToolCallTextNeverReachesTheConsumer() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("news today")));
            var sse = Sse.parse(t.idleClaw(TEXT, "Any news?").body());
            assertThat(sse.content()).isEqualTo("Let me check. The answer.");
            assertThat(String.join("\n", sse.data())).doesNotContain("tool_call>").doesNotContain("<tool");
            assertThat(statuses(sse)).containsExactly("web_search:executing", "web_search:done");
            assertThat(t.searx.queries()).containsExactly("news today");
            var first = t.chats().get(0);
            assertThat(first.has("tools")).isFalse();
            assertThat(first.path("messages").get(0).path("content").asText()).contains("<tool_call>").contains("web_search");
            assertThat(t.toolResults()).singleElement().satisfies(r -> assertThat(r.path("content").asText()).contains("About news today"));
        }
    }

    @Test
    void twoRoundsRunOnTheSameNodeEachWithItsOwnResults() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("first")), List.of(search("second")));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Two searches please").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(statuses(sse)).hasSize(4);
            assertThat(t.searx.queries()).containsExactly("first", "second");
            var results = t.toolResults();
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("content").asText()).contains("About first");
            assertThat(results.get(1).path("content").asText()).contains("About second");
            assertThat(t.chats()).hasSize(3);
        }
    }

    @Test
    void aModelThatNeverStopsCallingToolsGetsFiveRoundsThenNoToolsOffered() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("q1")), List.of(search("q2")), List.of(search("q3")), List.of(search("q4")),
                    List.of(search("q5")), List.of(search("q6")), List.of(search("q7")));
            var res = t.idleClaw(NATIVE, "Loop");
            var sse = Sse.parse(res.body());
            assertThat(t.searx.queries()).containsExactly("q1", "q2", "q3", "q4", "q5");
            var chats = t.chats();
            assertThat(chats).hasSize(6);
            assertThat(chats.getLast().has("tools")).isFalse();
            assertThat(String.join("\n", sse.data())).doesNotContain("tool_call>");
            assertThat(sse.data().getLast()).isEqualTo("[DONE]");
        }
    }

    @Test
    void anUnknownToolIsDroppedAndTheResultIsPairedWithItsOwnCall() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(call("get_secrets", "{\"what\":\"all\"}"), search("paired")));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Pairing").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            var second = messages(t.chats().get(1));
            var assistant = second.get(second.size() - 2);
            assertThat(assistant.path("tool_calls")).hasSize(1);
            var kept = assistant.path("tool_calls").get(0);
            assertThat(kept.path("function").path("name").asText()).isEqualTo("web_search");
            var results = t.toolResults();
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.path("tool_call_id").asText()).isEqualTo(kept.path("id").asText());
                assertThat(r.path("content").asText()).contains("About paired");
            });
        }
    }

    @Test
    void badArgumentsAnswerTheModelWithAnErrorForEachCall() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(call("web_search", "{}"), call("web_search", "{\"query\":7}"),
                    call("web_search", "{\"query\":\"ok\",\"safe\":true}")));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Bad args").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(t.searx.queries()).isEmpty();
            var results = t.toolResults().stream().map(r -> r.path("content").asText()).toList();
            assertThat(results).hasSize(3);
            assertThat(results.get(0)).startsWith("Error: invalid arguments").contains("missing required argument 'query'");
            assertThat(results.get(1)).contains("argument 'query' must be of type string");
            assertThat(results.get(2)).contains("unknown argument 'safe'");
        }
    }

    @Test
    void aSlowSearchTimesOutAndTheModelIsToldSo() throws Exception {
        try (var t = new ToolNetwork(c -> c.toolTimeout = java.time.Duration.ofMillis(500))) {
            t.searx.delay(java.time.Duration.ofSeconds(3));
            t.model(List.of(search("slow")));
            long start = System.nanoTime();
            var sse = Sse.parse(t.idleClaw(NATIVE, "Slow").body());
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(3));
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(t.toolResults()).singleElement().satisfies(r -> assertThat(r.path("content").asText()).contains("web_search timed out"));
        }
    }

    @Test
    void theTwentyFirstCallOfANodeWithinAMinuteIsRefused() throws Exception {
        try (var t = new ToolNetwork()) {
            var calls = java.util.stream.IntStream.rangeClosed(1, 21).mapToObj(i -> search("q" + i)).toList();
            t.model(calls);
            var sse = Sse.parse(t.idleClaw(NATIVE, "Many").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(t.searx.queries()).hasSize(20);
            var results = t.toolResults();
            assertThat(results).hasSize(21);
            assertThat(results.get(19).path("content").asText()).startsWith("Search results:");
            assertThat(results.get(20).path("content").asText()).contains("tool call limit reached");
        }
    }

    @Test
    void aSearchServiceThatIsDownIsAnErrorResultAndTheAnswerStillEnds() throws Exception {
        try (var t = new ToolNetwork()) {
            t.searx.close();
            t.model(List.of(search("down")));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Down").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(t.toolResults()).singleElement().satisfies(r ->
                    assertThat(r.path("content").asText()).isEqualTo("Error: web_search failed: the search service is unreachable."));
        }
    }

    @Test
    void aSearchServiceAnsweringAnErrorStatusIsAnErrorResult() throws Exception {
        try (var t = new ToolNetwork()) {
            t.searx.status(500);
            t.model(List.of(search("broken")));
            Sse.parse(t.idleClaw(NATIVE, "Broken").body());
            assertThat(t.toolResults()).singleElement().satisfies(r -> assertThat(r.path("content").asText()).contains("HTTP 500"));
        }
    }

    @Test
    void withoutASearchUrlNoToolIsOffered() throws Exception {
        try (var t = new ToolNetwork(c -> c.searchUrl = null)) {
            t.model(List.of(search("never")));
            var sse = Sse.parse(t.idleClaw(TEXT, "Hi").body());
            assertThat(statuses(sse)).isEmpty();
            var first = t.chats().get(0);
            assertThat(first.has("tools")).isFalse();
            assertThat(first.path("messages").get(0).path("content").asText()).doesNotContain("tool_call");
            assertThat(t.searx.queries()).isEmpty();
            // the model's own <tool_call> text is still never shown (the door's outbound filter)
            assertThat(String.join("\n", sse.data())).doesNotContain("tool_call>");
        }
    }

    private static List<JsonNode> messages(JsonNode chat) {
        return StreamSupport.stream(chat.path("messages").spliterator(), false).toList();
    }

    private static List<String> statuses(Sse sse) {
        return sse.deltas().stream().filter(d -> d.has("tool_call"))
                .map(d -> d.path("tool_call").path("name").asText() + ":" + d.path("tool_call").path("status").asText()).toList();
    }

    private static String id(String data) {
        try {
            return Json.parse(data).path("id").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

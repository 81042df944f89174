package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.search;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.testkit.StandInSearx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Ollama door's opt-in tool notes ({@code X-IdleClaw-Tools: web}): tool status lines and the answer's sources for
 * the consumer that asks, nothing new for every other Ollama client.
 */
class OllamaToolNotesTest {
    private static final String STREAMED = "{\"model\":\"" + NATIVE + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"News?\"}]}";
    private static final String SINGLE = "{\"model\":\"" + NATIVE + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"News?\"}]}";

    /** A streamed answer with its clock readings (timestamps, durations) zeroed: what is left must match byte for byte. */
    private static String steady(HttpResponse<String> res) {
        return res.body().replaceAll("\"created_at\":\"[^\"]*\"", "\"created_at\":\"T\"")
                .replaceAll("\"(total_duration|load_duration|prompt_eval_duration|eval_duration)\":\\d+", "\"$1\":0");
    }

    private static HttpResponse<String> post(String hub, String body, String... headers) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(hub + "/api/chat")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (headers.length > 0) req.headers(headers);
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(req.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static List<JsonNode> lines(HttpResponse<String> res) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : res.body().split("\n")) if (!line.isBlank()) out.add(Json.parse(line));
        return out;
    }

    private static String content(List<JsonNode> lines) {
        var sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.path("message").path("content").asText("")));
        return sb.toString();
    }

    @Test
    void plainOllamaChatsAreByteForByteTheSameWhetherOrNotTheHubRunsTools() throws Exception {
        String withoutTools, withTools, askedWithoutTools;
        try (var ollama = StandInOllama.start().model(StandInModel.of(NATIVE)); var plain = new Network()) {
            plain.addNode(ollama);
            withoutTools = steady(post(plain.url(), STREAMED));
            // the header is IdleClaw's: a hub that runs no tools ignores it
            askedWithoutTools = steady(post(plain.url(), STREAMED, "X-IdleClaw-Tools", "web"));
        }
        try (var t = new ToolNetwork()) {
            var res = t.post("/api/chat", STREAMED);
            assertThat(res.headers().firstValue("content-type")).hasValue("application/x-ndjson");
            withTools = steady(res);
            assertThat(t.chats().getFirst().has("tools")).isFalse();
        }
        assertThat(withTools).isEqualTo(withoutTools).isEqualTo(askedWithoutTools)
                .doesNotContain("tool_call").doesNotContain("sources").contains("\"done\":true");
    }

    @Test
    void aStreamThatAskedGetsOneStatusLinePerStepAndTheSearchResultsAsSources() throws Exception {
        try (var t = new ToolNetwork()) {
            t.model(List.of(search("fresh news")));
            var res = t.post("/api/chat", STREAMED, "X-IdleClaw-Tools", "web");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            var lines = lines(res);
            var status = lines.stream().filter(l -> l.has("tool_call")).toList();
            assertThat(status).hasSize(2);
            for (var s : status) {
                assertThat(s.has("message")).isFalse();
                assertThat(s.path("done").asBoolean(true)).isFalse();
                assertThat(s.path("model").asText()).isEqualTo(NATIVE);
                assertThat(s.path("tool_call").path("name").asText()).isEqualTo("web_search");
            }
            assertThat(status.stream().map(s -> s.path("tool_call").path("status").asText())).containsExactly("executing", "done");
            assertThat(lines.indexOf(status.get(1))).isLessThan(lines.indexOf(lines.stream()
                    .filter(l -> !l.path("message").path("content").asText("").isEmpty()).findFirst().orElseThrow()));
            assertThat(content(lines)).isEqualTo("The answer.");
            var last = lines.getLast();
            assertThat(last.path("done").asBoolean()).isTrue();
            var sources = last.path("sources");
            assertThat(sources).hasSize(3);
            assertThat(sources.get(0).path("title").asText()).isEqualTo("About fresh news");
            assertThat(sources.get(0).path("url").asText()).isEqualTo("https://example.org/about/10");
            assertThat(sources.get(1).path("url").asText()).isEqualTo("https://news.example.net/10");
            assertThat(t.chats().getFirst().path("tools").get(0).path("function").path("name").asText()).isEqualTo("web_search");
            assertThat(t.searx.queries()).containsExactly("fresh news");
        }
    }

    @Test
    void sourcesAreEachPageOnceInFirstUseOrderAndAnUnstreamedAnswerCarriesThemWithoutStatusLines() throws Exception {
        try (var t = new ToolNetwork()) {
            t.searx.results(List.of(new StandInSearx.Result("One", "https://one.example/", "first"),
                    new StandInSearx.Result("No link", "", "dropped"),
                    new StandInSearx.Result("Two", "https://two.example/", "second")));
            t.model(List.of(search("a")), List.of(search("b")));
            var res = t.post("/api/chat", SINGLE, "X-IdleClaw-Tools", "web");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            var answer = Json.parse(res.body());
            assertThat(answer.has("tool_call")).isFalse();
            assertThat(answer.path("message").path("content").asText()).isEqualTo("The answer.");
            assertThat(answer.path("sources").findValuesAsText("url")).containsExactly("https://one.example/", "https://two.example/");
            assertThat(t.searx.queries()).containsExactly("a", "b");
        }
    }

    @Test
    void askingForNoToolsTurnsThemOffEvenUnderToolsForAllDoorsAndOwnToolsAreNeverMixed() throws Exception {
        try (var t = new ToolNetwork(c -> c.toolsForAllDoors = true)) {
            // without the header, tools for all doors stay invisible: Ollama's lines only
            t.model(List.of(search("unseen")));
            var unseen = t.post("/api/chat", STREAMED);
            assertThat(unseen.body()).doesNotContain("tool_call").doesNotContain("sources");
            assertThat(content(lines(unseen))).isEqualTo("The answer.");
            assertThat(t.searx.queries()).containsExactly("unseen");

            t.ollama.behaviour(Behaviour.defaults().withTokens("Plain", "."));
            var res = t.post("/api/chat", SINGLE, "X-IdleClaw-Tools", "none");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Json.parse(res.body()).has("sources")).isFalse();
            assertThat(t.chats().getLast().has("tools")).isFalse();

            String own = "{\"model\":\"" + NATIVE + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"mine\",\"parameters\":{\"type\":\"object\"}}}]}";
            var mine = t.post("/api/chat", own, "X-IdleClaw-Tools", "web");
            assertThat(mine.statusCode()).isEqualTo(200);
            assertThat(Json.parse(mine.body()).has("sources")).isFalse();
            assertThat(t.chats().getLast().path("tools").findValuesAsText("name")).containsExactly("mine");
            assertThat(t.searx.queries()).containsExactly("unseen");
        }
    }
}

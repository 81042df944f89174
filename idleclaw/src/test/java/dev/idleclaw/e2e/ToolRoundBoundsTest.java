package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.search;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.server.Sse;
import dev.idleclaw.testkit.StandInSearx;
import dev.idleclaw.wire.NodeLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Tool rounds within the serving node's limits (a round that would take the next request over them is dropped and the
 * answer ends without tools) and a consumer's connection kept warm while a slow tool runs.
 */
class ToolRoundBoundsTest {
    /** The smallest frame a node may advertise, and a user message that nearly fills it. */
    private static final NodeLimits SMALL_FRAMES = new NodeLimits(1_000, 4_000_000, NodeLimits.MIN_REQUEST_BYTES);
    private static final int BIG_MESSAGE_CHARS = 59_000;

    private static List<String> statuses(Sse sse) {
        return sse.deltas().stream().filter(d -> d.has("tool_call")).map(d -> d.path("tool_call").path("status").asText()).toList();
    }

    @Test
    void aRoundThatWouldExceedTheNodesMessageLimitIsNotRunAndTheAnswerEndsWithoutTools() throws Exception {
        // the IdleClaw door's system prompt and the question are two; one round adds two more
        try (var t = new ToolNetwork(c -> {}, new NodeLimits(4, 4_000_000, 16 << 20))) {
            t.model(List.of(search("first")), List.of(search("second")));
            var res = t.idleClaw(NATIVE, "Search twice");
            assertThat(res.statusCode()).isEqualTo(200);
            var sse = Sse.parse(res.body());
            assertThat(res.body()).doesNotContain("[Error");
            assertThat(sse.endsWithDone()).isTrue();
            assertThat(sse.content()).startsWith("Let me check.").doesNotContain("tool_call");
            assertThat(statuses(sse)).containsExactly("executing", "done");
            // the second round's call would have made six messages: never run, never sent
            assertThat(t.searx.queries()).containsExactly("first");
            var chats = t.chats();
            assertThat(chats).hasSize(3);
            assertThat(chats).allSatisfy(c -> assertThat(c.path("messages").size()).isLessThanOrEqualTo(4));
            var last = chats.getLast();
            assertThat(last.has("tools")).isFalse();
            assertThat(last.path("messages").get(3).path("content").asText()).contains("About first");
        }
    }

    @Test
    void aRoundWhoseResultsWouldOverflowTheNodesFrameIsDroppedAndTheLastRunGoesWithoutIt() throws Exception {
        try (var t = new ToolNetwork(c -> {}, SMALL_FRAMES)) {
            t.searx.results(IntStream.range(0, 5).mapToObj(i -> new StandInSearx.Result("t".repeat(150),
                    "https://example.org/" + "p".repeat(40) + i, "s".repeat(400))).toList());
            t.model(List.of(search("big")));
            String question = "q".repeat(BIG_MESSAGE_CHARS);
            var res = t.post("/api/chat", "{\"model\":\"" + NATIVE + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"" + question + "\"}]}", "X-IdleClaw-Tools", "web");
            assertThat(res.statusCode()).isEqualTo(200);
            List<JsonNode> lines = new ArrayList<>();
            for (String line : res.body().split("\n")) lines.add(Json.parse(line));
            assertThat(lines).noneMatch(l -> l.has("error"));
            var last = lines.getLast();
            assertThat(last.path("done").asBoolean()).isTrue();
            // the search ran, but its results did not fit: the model never read them, so they are no sources
            assertThat(t.searx.queries()).containsExactly("big");
            assertThat(last.path("sources")).isEmpty();
            var chats = t.chats();
            assertThat(chats).hasSize(2);
            assertThat(chats.getLast().has("tools")).isFalse();
            assertThat(chats.getLast().path("messages")).singleElement()
                    .satisfies(m -> assertThat(m.path("content").asText()).isEqualTo(question));
        }
    }

    @Test
    void aSlowSearchKeepsTheConsumersConnectionWarmInEachDoorThatCanSaySo() throws Exception {
        try (var t = new ToolNetwork(c -> c.keepAliveInterval = Duration.ofMillis(200))) {
            t.searx.delay(Duration.ofMillis(1_500));
            t.model(List.of(search("slow")));
            String body = t.idleClaw(NATIVE, "Take your time").body();
            int executing = body.indexOf("\"status\":\"executing\"");
            int done = body.indexOf("\"status\":\"done\"");
            assertThat(executing).isPositive().isLessThan(done);
            assertThat(Pattern.compile(": ping - ").matcher(body.substring(executing, done)).results().count())
                    .isGreaterThanOrEqualTo(3);
            assertThat(Sse.parse(body).content()).isEqualTo("The answer.");

            var ndjson = t.post("/api/chat", "{\"model\":\"" + NATIVE + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Take your time\"}]}", "X-IdleClaw-Tools", "web").body();
            List<String> steps = new ArrayList<>();
            for (String line : ndjson.split("\n")) {
                var status = Json.parse(line).path("tool_call").path("status");
                if (!status.isMissingNode()) steps.add(status.asText());
            }
            assertThat(steps.getLast()).isEqualTo("done");
            assertThat(steps.subList(0, steps.size() - 1)).hasSizeGreaterThanOrEqualTo(4).containsOnly("executing");
        }
    }
}

package dev.idleclaw.front.openai;

import static dev.idleclaw.front.openai.Completions.ASK;
import static dev.idleclaw.front.openai.Completions.PATH;
import static dev.idleclaw.front.openai.Completions.masked;
import static dev.idleclaw.front.openai.Completions.nowSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/chat/completions} answers: the completion object, the chunk stream, and failures (openai-api.md §3–§6). */
class OpenAiChatTest {
    static final String M = "llama3.2:3b";
    static final String CHUNK = "{\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"" + M
            + "\",\"system_fingerprint\":\"fp_idleclaw\",\"choices\":[{\"index\":0,\"delta\":";
    static final String USAGE = "\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":3,\"total_tokens\":29}";

    static String chunk(String delta, String finish) {
        return CHUNK + delta + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    @Test
    void aNonStreamingAnswerIsOneCompletionObjectWithUsageAndReasoningOnlyWhenThought() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            var calls = new AtomicInteger();
            node.onRequestId(id -> {
                if (calls.getAndIncrement() == 0) node.thinking(id, "Let me see");
                node.content(id, "Hello");
                node.content(id, " there!");
                node.doneWithMetrics(id, "stop");
            });
            long before = nowSeconds();
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + "}", "Authorization", "Bearer anything");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("application/json");
            assertThat(masked(res.body(), before)).isEqualTo("{\"id\":\"ID\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"" + M
                    + "\",\"system_fingerprint\":\"fp_idleclaw\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Hello there!\",\"refusal\":null,\"reasoning\":\"Let me see\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + USAGE + "}");
            var plain = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream_options\":{\"include_usage\":true}}");
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(masked(plain.body(), before)).isEqualTo(masked(res.body(), before).replace(",\"reasoning\":\"Let me see\"", ""));
            assertThat(Bodies.json(plain.body()).path("id")).isNotEqualTo(Bodies.json(res.body()).path("id"));
        }
    }

    @Test
    void aStreamHasOneIdRoleFirstReasoningDeltasOneFinishChunkAndDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.thinking(id, "Hmm");
                node.content(id, "Hel");
                node.content(id, "lo");
                node.doneWithMetrics(id, "stop");
            });
            long before = nowSeconds();
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}", "Accept", "application/json");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Bodies.type(res.headers())).isEqualTo("text/event-stream");
            assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-cache");
            List<String> events = Bodies.sse(res.body());
            assertThat(events.stream().filter(e -> !e.equals("[DONE]")).map(e -> masked(e, before))).containsExactly(
                    chunk("{\"role\":\"assistant\",\"reasoning\":\"Hmm\"}", null),
                    chunk("{\"content\":\"Hel\"}", null),
                    chunk("{\"content\":\"lo\"}", null),
                    chunk("{}", "stop"));
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(events.stream().filter(e -> !e.equals("[DONE]")).map(e -> Bodies.json(e).path("id").asText()
                    + Bodies.json(e).path("created").asText()).distinct()).hasSize(1);
        }
    }

    @Test
    void includeUsageAddsAUsageChunkBeforeDoneAndLengthIsKept() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hi");
                node.doneWithMetrics(id, "length");
            });
            long before = nowSeconds();
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
            List<String> events = Bodies.sse(res.body());
            assertThat(events.subList(0, 3).stream().map(e -> masked(e, before))).containsExactly(
                    chunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", null),
                    chunk("{}", "length"),
                    "{\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"" + M
                            + "\",\"system_fingerprint\":\"fp_idleclaw\",\"choices\":[]," + USAGE + "}");
            assertThat(events).hasSize(4);
            assertThat(events.get(3)).isEqualTo("[DONE]");
            assertThat(res.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void aFailureAfterTheFirstEventIsOneErrorEventWithNoFinishAndNoDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.content(id, "Hel");
                node.error(id, "ollama_error");
            });
            long before = nowSeconds();
            var res = hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
            assertThat(res.statusCode()).isEqualTo(200);
            List<String> events = Bodies.sse(res.body());
            assertThat(events).hasSize(2);
            assertThat(masked(events.get(0), before)).isEqualTo(chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null));
            assertThat(events.get(1)).isEqualTo("{\"error\":{\"message\":\"the model failed while answering\",\"type\":\"api_error\","
                    + "\"param\":null,\"code\":null}}");
        }
    }

    @Test
    void aFailureBeforeAnyEventIsARealStatusInOpenAisShape() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> node.error(id, "ollama_error"));
            Completions.assertError(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + ",\"stream\":true}"), 502,
                    "the model failed while answering", "api_error", null);
            Completions.assertError(hub.post(PATH, "{\"model\":\"" + M + "\"," + ASK + "}"), 502,
                    "the model failed while answering", "api_error", null);
        }
    }
}

package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.keys;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/chat/completions} streams on the wire, as Ollama's OpenAI layer writes them, under every behaviour knob. */
class OpenAiStreamTest extends StandInTestBase {
    /** What Lobstah's engine-ollama sends for a streamed chat: the request plus these two fields. */
    static final String LOBSTAH_STREAM = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    private static final String DONE = "[DONE]";
    /** Generous bound on the stand-in noticing a closed connection (it probes every 20 ms). */
    private static final long NOTICE_MS = 2_000;

    /** The {@code data:} payloads of an SSE body; every event must be exactly {@code data: <payload>\n\n}. */
    static List<String> events(String body) {
        assertThat(body).endsWith("\n\n");
        return Arrays.stream(body.substring(0, body.length() - 2).split("\n\n", -1)).map(event -> {
            assertThat(event).startsWith("data: ").doesNotContain("\n");
            return event.substring("data: ".length());
        }).toList();
    }

    private static List<JsonNode> chunks(List<String> events) {
        return events.stream().filter(e -> !e.equals(DONE)).map(Client::json).toList();
    }

    @Test
    void lobstahsStreamedRequestGetsOneEventPerTokenTheFinishEventTheUsageEventAndDone() throws Exception {
        ollama.behaviour(Behaviour.defaults().withTokens("Hel", "lo").withPromptEvalCount(7));
        var raw = RawHttp.exchange(ollama.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + LOBSTAH_STREAM.length() + "\r\n\r\n" + LOBSTAH_STREAM);
        assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(raw.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(raw.header("Transfer-Encoding")).isEqualTo("chunked");
        var events = events(raw.body());
        assertThat(events).hasSize(5).last().isEqualTo(DONE);
        var chunks = chunks(events);
        var first = chunks.getFirst();
        assertThat(keys(first)).containsExactly("id", "object", "created", "model", "system_fingerprint", "choices");
        assertThat(first.path("id").asText()).matches("chatcmpl-\\d{1,3}");
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("model").asText()).isEqualTo("llama3.2");
        assertThat(first.path("system_fingerprint").asText()).isEqualTo("fp_ollama");
        assertThat(first.path("choices").get(0).toString())
                .isEqualTo("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}");
        assertThat(chunks.get(1).path("choices").get(0).path("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"lo\"}");
        assertThat(chunks.get(2).path("choices").get(0).toString())
                .isEqualTo("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}");
        var usage = chunks.get(3);
        assertThat(keys(usage)).containsExactly("id", "object", "created", "model", "system_fingerprint", "choices", "usage");
        assertThat(usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.path("usage").toString()).isEqualTo("{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}");
        assertThat(chunks).extracting(c -> c.path("id").asText() + c.path("created").asLong()).containsOnly(
                first.path("id").asText() + first.path("created").asLong());

        var arrived = ollama.awaitRequest("/v1/chat/completions", Client.TIMEOUT);
        assertThat(arrived.json().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void withoutIncludeUsageTheFinishEventIsFollowedByDone() {
        var response = client.post("/v1/chat/completions", LOBSTAH_STREAM.replace(",\"stream_options\":{\"include_usage\":true}", ""));
        var events = events(response.body());
        assertThat(events).hasSize(Behaviour.DEFAULT_TOKENS.size() + 2).last().isEqualTo(DONE);
        assertThat(chunks(events)).noneMatch(c -> c.has("usage"));
    }

    @Test
    void thinkingStreamsAsReasoningDeltasBeforeTheContent() {
        ollama.model(StandInModel.of("qwen3:8b")).behaviour(Behaviour.defaults().withThinking("Hmm").withTokens("Hi"));
        var body = LOBSTAH_STREAM.replace("llama3.2", "qwen3:8b").replace("\"stream\":true", "\"stream\":true,\"reasoning_effort\":\"high\"");
        var chunks = chunks(events(client.post("/v1/chat/completions", body).body()));
        assertThat(chunks.get(0).path("choices").get(0).path("delta").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Hmm\"}");
        assertThat(chunks.get(1).path("choices").get(0).path("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"Hi\"}");
    }

    @Test
    void aToolCallIsOneDeltaWithStringArgumentsAndTheFinishReasonIsToolCalls() {
        ollama.behaviour(Behaviour.defaults().withToolCalls(Behaviour.ToolCall.of("get_weather", "{\"unit\":\"c\",\"city\":\"Tokyo\"}")));
        var tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}";
        var body = LOBSTAH_STREAM.substring(0, LOBSTAH_STREAM.length() - 1) + tools;
        var chunks = chunks(events(client.post("/v1/chat/completions", body).body()));
        var call = chunks.getFirst().path("choices").get(0).path("delta").path("tool_calls").get(0);
        assertThat(keys(call)).containsExactly("id", "index", "type", "function");
        assertThat(call.path("id").asText()).matches("call_[a-z0-9]{8}");
        assertThat(call.path("function").toString())
                .isEqualTo("{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\",\\\"unit\\\":\\\"c\\\"}\"}");
        assertThat(chunks.get(1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");

        ollama.behaviour(Behaviour.defaults().withLegacyToolShape(true).withToolCalls(Behaviour.ToolCall.of("get_weather", "{}")));
        var legacy = chunks(events(client.post("/v1/chat/completions", body).body()));
        assertThat(legacy.getFirst().path("choices").get(0).path("delta").path("tool_calls").get(0).path("id").asText())
                .matches("call_[a-z0-9]{8}"); // Ollama 0.12's layer made one up
    }

    @Test
    void maxTokensEndsWithFinishReasonLength() {
        var body = LOBSTAH_STREAM.replace("\"stream\":true", "\"stream\":true,\"max_tokens\":2");
        var chunks = chunks(events(client.post("/v1/chat/completions", body).body()));
        assertThat(chunks.get(2).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(chunks.get(3).path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void aMidStreamErrorBecomesAnEmptyEventWithoutModelAndTheStreamEndsWithoutFinishOrDone() {
        ollama.behaviour(Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        var response = client.post("/v1/chat/completions", LOBSTAH_STREAM);
        assertThat(response.statusCode()).isEqualTo(200);
        var events = events(response.body());
        assertThat(events).hasSize(3).doesNotContain(DONE);
        var last = Client.json(events.getLast());
        assertThat(last.path("model").asText()).isEmpty();
        assertThat(last.path("choices").get(0).toString())
                .isEqualTo("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}");
    }

    @Test
    void hangAfterOneEventWaitsUntilTheClientClosesAndTheRequestLogSeesTheClose() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(1));
        var response = client.open("/v1/chat/completions", LOBSTAH_STREAM);
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: {");
            assertThat(reader.readLine()).isEmpty();
        }
        var recorded = ollama.awaitRequest("/v1/chat/completions", Client.TIMEOUT);
        recorded.connectionClosed().get(NOTICE_MS, MILLISECONDS);
        recorded.finished().get(NOTICE_MS, MILLISECONDS);
        assertThat(ollama.openStreams()).isZero();
    }

    @Test
    void delayPerTokenSpacesTheEventsAndDropClosesMidStream() throws Exception {
        var delay = Duration.ofMillis(40);
        ollama.behaviour(Behaviour.defaults().withDelayPerToken(delay));
        var started = System.nanoTime();
        client.post("/v1/chat/completions", LOBSTAH_STREAM);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(delay.multipliedBy(Behaviour.DEFAULT_TOKENS.size()));

        ollama.behaviour(Behaviour.defaults().withDropAfter(2));
        var received = new StringBuilder();
        try (var reader = new BufferedReader(new InputStreamReader(client.open("/v1/chat/completions", LOBSTAH_STREAM).body(), StandardCharsets.UTF_8))) {
            for (var line = reader.readLine(); line != null; line = reader.readLine()) received.append(line).append('\n');
        } catch (java.io.IOException e) {
            // the dropped connection, after what did arrive
        }
        // An abrupt close may discard what the client had not read yet (a reset), so: never more than the two, no end.
        assertThat(received.toString().lines().filter(l -> l.startsWith("data: "))).hasSizeLessThanOrEqualTo(2);
        assertThat(received.toString()).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
    }
}

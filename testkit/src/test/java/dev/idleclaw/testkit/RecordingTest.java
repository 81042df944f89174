package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordingTest extends StandInTestBase {
    /** Short wait for requests that will never come. */
    private static final Duration NEVER = Duration.ofMillis(100);
    /** Delay before a late request is sent, so awaitRequest really has to wait. */
    private static final long LATE_MS = 100;

    @Test
    void recordsMethodPathHeadersAndBody() throws Exception {
        var body = "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}";
        var request = HttpRequest.newBuilder(URI.create(ollama.baseUrl() + "/api/chat?x=1"))
                .header("Content-Type", "application/json").header("X-Trace", "a").header("X-Trace", "b")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(http.send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        var recorded = ollama.awaitRequest("/api/chat", Client.TIMEOUT);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/api/chat");
        assertThat(recorded.body()).isEqualTo(body);
        assertThat(recorded.json().path("stream").asBoolean(true)).isFalse();
        assertThat(recorded.header("content-type")).isEqualTo("application/json");
        assertThat(recorded.headers().get("x-trace")).containsExactly("a", "b");
        recorded.finished().get(5, SECONDS);
        assertThat(recorded.connectionClosed()).isNotDone();
    }

    @Test
    void awaitRequestHandsOutEachRequestOnceInArrivalOrder() {
        client.post("/api/chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}");
        client.get("/api/tags");
        client.post("/api/chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}");
        assertThat(ollama.awaitRequest("/api/chat", NEVER).body()).contains("one");
        assertThat(ollama.awaitRequest("/api/chat", NEVER).body()).contains("two");
        assertThat(ollama.awaitRequest("/api/tags", NEVER).method()).isEqualTo("GET");
        assertThatThrownBy(() -> ollama.awaitRequest("/api/chat", NEVER))
                .isInstanceOf(AssertionError.class).hasMessageContaining("/api/chat");
    }

    @Test
    void awaitRequestWaitsForALateRequest() {
        CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(LATE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.get("/api/version");
        });
        assertThat(ollama.awaitRequest("/api/version", Client.TIMEOUT).method()).isEqualTo("GET");
    }

    @Test
    void recordsEveryRequestIncludingRejectedOnes() {
        client.get("/nope");
        client.send("DELETE", "/api/chat", null);
        client.head("/");
        client.post("/api/chat", "");
        assertThat(ollama.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("GET /nope", "DELETE /api/chat", "HEAD /", "POST /api/chat");
    }

    @Test
    void clearForgetsRecordedRequests() {
        client.get("/api/tags");
        ollama.clear();
        assertThat(ollama.requests()).isEmpty();
        assertThatThrownBy(() -> ollama.awaitRequest("/api/tags", NEVER)).isInstanceOf(AssertionError.class);
        client.get("/api/tags");
        assertThat(ollama.awaitRequest("/api/tags", NEVER).path()).isEqualTo("/api/tags");
    }

    @Test
    void withRecordingOffRequestsAreAnsweredButNotKept() {
        ollama.recordRequests(false);
        var reply = client.post("/api/chat", "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}");
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).contains("\"done\":true");
        assertThat(ollama.requests()).isEmpty();
        ollama.recordRequests(true);
        client.get("/api/tags");
        assertThat(ollama.requests()).extracting(RecordedRequest::path).containsExactly("/api/tags");
    }
}

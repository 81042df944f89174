package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static dev.idleclaw.testkit.ChatValidationTest.assertError;
import static dev.idleclaw.testkit.Client.lines;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureModesTest extends StandInTestBase {
    private static final String CHAT = "{\"model\":\"llama3.2\"," + HI + "}";
    /** Generous bound on a reply that has already been fully sent. */
    private static final long NOTICE_MS = 2_000;
    /** Per-token delay for timing tests: long enough to measure, short enough to keep the suite fast. */
    private static final Duration DELAY = Duration.ofMillis(40);

    @Test
    void midStreamErrorSendsErrorLineWithoutDone() {
        ollama.behaviour(Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        var response = client.post("/api/chat", CHAT);
        assertThat(response.statusCode()).isEqualTo(200);
        var chunks = lines(response.body());
        assertThat(chunks).hasSize(3).noneMatch(c -> c.path("done").asBoolean());
        assertThat(chunks.getLast().toString()).isEqualTo("{\"error\":\"" + Behaviour.RUNNER_ERROR + "\"}");
    }

    @Test
    void aOneOffBehaviourFailsOnlyTheNextRequest() {
        ollama.behaviourOnce("llama3.2", Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        assertThat(lines(client.post("/api/chat", CHAT).body()).getLast().toString())
                .isEqualTo("{\"error\":\"" + Behaviour.RUNNER_ERROR + "\"}");
        assertThat(lines(client.post("/api/chat", CHAT).body()).getLast().path("done").asBoolean()).isTrue();
    }

    @Test
    void clearDropsOneOffBehavioursNotUsedYet() {
        ollama.behaviourOnce("llama3.2:latest", Behaviour.defaults().withErrorAfter(0, "unused"));
        ollama.clear();
        assertThat(client.post("/api/chat", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void errorBeforeAnyChunkOrWithoutStreamingIsA500() {
        ollama.behaviour(Behaviour.defaults().withErrorAfter(0, "no runner"));
        assertError(client.post("/api/chat", CHAT), 500, "no runner");
        ollama.behaviour(Behaviour.defaults().withErrorAfter(3, "late"));
        assertError(client.post("/api/chat", "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}"), 500, "late");
    }

    @Test
    void dropClosesTheConnectionMidStreamWithoutErrorLine() throws Exception {
        ollama.behaviour(Behaviour.defaults().withDropAfter(2));
        var received = Client.readUntilEnd(client.open("/api/chat", CHAT).body());
        // The client may lose what it had not read yet when the connection goes (seen on a loaded machine): at most two.
        assertThat(received).hasSizeLessThanOrEqualTo(2).noneMatch(c -> c.has("error") || c.path("done").asBoolean());
        ollama.awaitRequest("/api/chat", Client.TIMEOUT).finished().get(NOTICE_MS, MILLISECONDS);
    }

    @Test
    void dropBeforeAnyByteLeavesTheClientWithoutResponse() {
        ollama.behaviour(Behaviour.defaults().withDropAfter(0));
        assertThatThrownBy(() -> client.post("/api/chat", "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}"))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void delayPerTokenSpacesTheChunks() throws Exception {
        ollama.behaviour(Behaviour.defaults().withDelayPerToken(DELAY));
        var started = System.nanoTime();
        var chunks = Client.readUntilEnd(client.open("/api/chat", CHAT).body());
        assertThat(chunks).hasSize(6);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(DELAY.multipliedBy(5));
        var finished = ollama.awaitRequest("/api/chat", Client.TIMEOUT);
        assertThat(finished.connectionClosed()).isNotDone();
    }
}

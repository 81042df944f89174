package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The node cancels by closing the response stream; the stand-in must notice even when it is sending nothing. */
class CancellationTest extends StandInTestBase {
    private static final String CHAT = "{\"model\":\"llama3.2\"," + HI + "}";
    /** How long a test lets the stand-in notice a client close (it probes every 20 ms). */
    private static final long NOTICE_MS = 2_000;
    /** A quiet spell the stand-in must not mistake for a close; also the per-token delay. */
    private static final Duration QUIET = Duration.ofMillis(40);

    @Test
    void hangSendsSomeChunksThenNothingUntilTheClientCloses() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(1));
        var response = client.open("/api/chat", CHAT);
        assertThat(response.statusCode()).isEqualTo(200);
        var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(Client.json(reader.readLine()).path("message").path("content").asText()).isEqualTo("Hello");
        var recorded = ollama.awaitRequest("/api/chat", Client.TIMEOUT);
        Thread.sleep(QUIET.toMillis()); // the stand-in must not mistake silence for a close
        assertThat(recorded.connectionClosed()).isNotDone();
        assertThat(ollama.openStreams()).isEqualTo(1);

        reader.close();
        recorded.connectionClosed().get(NOTICE_MS, MILLISECONDS);
        recorded.finished().get(NOTICE_MS, MILLISECONDS);
        awaitNoOpenStreams();
    }

    @Test
    void hangWithoutChunksStillSendsHeaders() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(0));
        var response = client.open("/api/chat", CHAT);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        response.body().close();
        ollama.awaitRequest("/api/chat", Client.TIMEOUT).connectionClosed().get(NOTICE_MS, MILLISECONDS);
        awaitNoOpenStreams();
    }

    @Test
    void clientCancellingBetweenDelayedTokensIsNoticed() throws Exception {
        ollama.behaviour(Behaviour.defaults().withTokenCount(100).withDelayPerToken(QUIET));
        var response = client.open("/api/chat", CHAT);
        var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        reader.readLine();
        reader.readLine();
        reader.close();
        ollama.awaitRequest("/api/chat", Client.TIMEOUT).connectionClosed().get(NOTICE_MS, MILLISECONDS);
        awaitNoOpenStreams();
    }

    @Test
    void closingTheStandInEndsHangingReplies() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(0));
        var response = client.open("/api/chat", CHAT);
        var started = System.nanoTime();
        ollama.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(Client.readUntilEnd(response.body())).isEmpty();
    }

    @Test
    void clientTimeoutOnAHangingNonStreamedReplyIsNoticed() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(0));
        var body = "{\"model\":\"llama3.2\",\"stream\":false," + HI + "}";
        assertThatThrownBy(() -> client.post("/api/chat", body, Duration.ofMillis(200)))
                .isInstanceOf(HttpTimeoutException.class);
        ollama.awaitRequest("/api/chat", Client.TIMEOUT).connectionClosed().get(NOTICE_MS, MILLISECONDS);
        awaitNoOpenStreams();
    }

    private void awaitNoOpenStreams() throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofMillis(NOTICE_MS).toNanos();
        while (ollama.openStreams() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(ollama.openStreams()).isZero();
    }
}

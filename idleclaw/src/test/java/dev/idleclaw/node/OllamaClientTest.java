package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.ollama.ChatCall;
import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.ollama.OllamaException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine client against a fake Ollama (lives with the node tests: the node is its only user). */
class OllamaClientTest {
    private final FakeOllama ollama = FakeOllama.start()
            .model("llama3.2:latest", 2019393189L, List.of("completion", "tools"))
            .model("gemma:2b", 1678447520L, null);
    private final OllamaClient client = new OllamaClient(URI.create(ollama.baseUrl() + "/"),
            Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(200));

    @AfterEach
    void tearDown() {
        client.close();
        ollama.close();
    }

    private static ObjectNode chatParams() {
        return RequestRulesTest.params("llama3.2:latest", "user", "hi").put("stream", true);
    }

    @Test
    void tagsListModelsWithSizeDigestModifiedAtAndDetailsToleratingNullFamilies() throws Exception {
        var models = client.tags();
        assertThat(models).hasSize(2);
        var m = models.getFirst();
        assertThat(m.name()).isEqualTo("llama3.2:latest");
        assertThat(m.size()).isEqualTo(2019393189L);
        assertThat(m.digest()).hasSize(64);
        assertThat(m.modifiedAt()).isEqualTo("2025-05-04T17:37:44.706015396-07:00");
        assertThat(m.details().get("families").isNull()).isTrue();
        assertThat(m.capabilities()).isEmpty();
    }

    @Test
    void versionAndCapabilitiesAreRead() throws Exception {
        assertThat(client.version()).isEqualTo("0.12.6");
        assertThat(client.show("llama3.2:latest")).containsExactly("completion", "tools");
        assertThatThrownBy(() -> client.show("gemma:2b"))
                .isInstanceOf(OllamaException.class).hasMessageContaining("404").hasMessageContaining("not found");
    }

    @Test
    void chatHandsOverEveryLineUntilDone() throws Exception {
        ollama.reply(FakeOllama.tokens("llama3.2:latest", "Hel", "lo"));
        List<ObjectNode> lines = new ArrayList<>();
        assertThat(client.chat(chatParams()).stream(lines::add)).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(lines).hasSize(3);
        assertThat(lines.getLast().get("done").booleanValue()).isTrue();
        assertThat(ollama.chatBodies().getFirst().get("stream").booleanValue()).isTrue();
    }

    @Test
    void anErrorLineEndsTheCallAsAnError() {
        ollama.reply(List.of(FakeOllama.tokens("m", "I").getFirst(), "{\"error\":\"an error was encountered while running the model\"}"));
        List<ObjectNode> lines = new ArrayList<>();
        assertThatThrownBy(() -> client.chat(chatParams()).stream(lines::add))
                .isInstanceOf(OllamaException.class).hasMessageContaining("an error was encountered");
        assertThat(lines).hasSize(1);
    }

    @Test
    void endOfStreamWithoutDoneIsAnError() {
        ollama.reply(List.of(FakeOllama.tokens("m", "I").getFirst()));
        assertThatThrownBy(() -> client.chat(chatParams()).stream(l -> {})).hasMessageContaining("without done");
    }

    @Test
    void aRefusedRequestCarriesOllamasStatusAndMessage() {
        ollama.replyStatus(404, "{\"error\":\"model 'x' not found\"}");
        assertThatThrownBy(() -> client.chat(chatParams()).stream(l -> {}))
                .isInstanceOfSatisfying(OllamaException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("model 'x' not found");
    }

    @Test
    void silenceLongerThanTheIdleReadTimeoutEndsTheCall() {
        ollama.reply(FakeOllama.tokens("m", "a", "b"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.chat(chatParams()).stream(l -> {})).hasMessageContaining("no data from Ollama");
    }

    @Test
    void slowButSteadyStreamsAreNotCutByTheIdleTimeout() throws Exception {
        ollama.reply(FakeOllama.tokens("m", "a", "b", "c", "d", "e", "f"), Duration.ofMillis(150));
        assertThat(client.chat(chatParams()).stream(l -> {})).isEqualTo(ChatCall.Outcome.DONE); // ~1 s total > 500 ms idle
    }

    @Test
    void cancelClosesTheHttpStreamSoOllamaStopsGenerating() throws Exception {
        var pieces = new String[500];
        java.util.Arrays.fill(pieces, "tok");
        ollama.reply(FakeOllama.tokens("m", pieces), Duration.ofMillis(20));
        var call = client.chat(chatParams());
        List<ObjectNode> lines = new CopyOnWriteArrayList<>();
        var outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return call.stream(lines::add);
            } catch (OllamaException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() >= 3);
        call.cancel();
        assertThat(outcome.get()).isEqualTo(ChatCall.Outcome.CANCELLED);
        await().atMost(Duration.ofSeconds(5)).until(() -> ollama.closedByClient() == 1 && ollama.openStreams() == 0);
    }

    @Test
    void cancelBeforeStartSendsNothing() throws Exception {
        var call = client.chat(chatParams());
        call.cancel();
        assertThat(call.stream(l -> {})).isEqualTo(ChatCall.Outcome.CANCELLED);
        assertThat(ollama.chatBodies()).isEmpty();
    }

    @Test
    void healthIsCachedForTheTtlAndFailsWhenOllamaIsDown() throws Exception {
        try (var slowToNotice = new OllamaClient(URI.create(ollama.baseUrl()), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMinutes(1))) {
            assertThat(client.health()).isTrue();
            assertThat(slowToNotice.health()).isTrue();
            ollama.close();
            assertThat(slowToNotice.health()).as("cached for its TTL").isTrue();
            await().atMost(Duration.ofSeconds(3)).until(() -> !client.health());
        }
    }

    @Test
    void nothingListeningIsReportedAsUnreachable() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (var down = new OllamaClient(URI.create("http://127.0.0.1:" + port))) {
            assertThatThrownBy(down::tags).isInstanceOfSatisfying(OllamaException.class,
                    e -> assertThat(e.unreachable()).isTrue()).hasMessageContaining("127.0.0.1:" + port);
            assertThat(down.health()).isFalse();
            assertThatThrownBy(() -> down.chat(Json.object()).stream(l -> {}))
                    .isInstanceOfSatisfying(OllamaException.class, e -> assertThat(e.unreachable()).isTrue());
        }
    }
}

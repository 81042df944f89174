package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.config.Limits;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatResponseModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures as ollama4j reports them: an unknown model, a node's Ollama failing mid-answer, a node stopping, a request
 * over the hub's limits.
 */
class Ollama4jErrorTest {
    private static ClientNetwork network;
    private static Ollama client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = Ollama4jClients.of(network);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() { network.reset(); }

    private static OllamaChatRequest ask(String model) {
        return OllamaChatRequest.builder().withModel(model).withMessage(OllamaChatMessageRole.USER, "Say hello");
    }

    @Test
    void unknownModelIsAnOllamaExceptionWithOllamasNotFoundMessage() {
        assertThatThrownBy(() -> client.chat(ask("nope:1b").build(), null))
                .isInstanceOf(OllamaException.class).hasMessage("model 'nope:1b' not found");
    }

    @Test
    void unknownModelWhenStreamingIsTheSameNotFoundBeforeAnyToken() {
        var parts = new CopyOnWriteArrayList<OllamaChatResponseModel>();
        assertThatThrownBy(() -> client.chat(ask("nope:1b").withStreaming().build(), parts::add))
                .isInstanceOf(OllamaException.class).hasMessage("model 'nope:1b' not found");
        assertThat(parts).isEmpty();
    }

    @Test
    void nodeFailingMidStreamThrowsAfterThePartialTextWithoutADoneChunk() {
        var parts = new CopyOnWriteArrayList<OllamaChatResponseModel>();
        assertThatThrownBy(() -> client.chat(ask(BROKEN).withStreaming().build(), parts::add))
                .isInstanceOf(OllamaException.class);

        var text = parts.stream().map(p -> p.getMessage().getResponse()).collect(Collectors.joining());
        assertThat(text).isEqualTo("Hello from");
        assertThat(parts).noneMatch(OllamaChatResponseModel::isDone);
        assertThat(network.chatCount()).isEqualTo(1);
    }

    @Test
    void nodeFailingDuringANonStreamedChatThrowsInsteadOfReturningPartialText() {
        assertThatThrownBy(() -> client.chat(ask(BROKEN).build(), null)).isInstanceOf(OllamaException.class);
    }

    @Test
    void nodeStoppingMidStreamThrowsAfterThePartialText() throws Exception {
        var parts = new CopyOnWriteArrayList<OllamaChatResponseModel>();
        try (var dying = ClientNetwork.slow()) {
            assertThatThrownBy(() -> Ollama4jClients.of(dying).chat(ask(MODEL).withStreaming().build(), part -> {
                parts.add(part);
                if (parts.size() == 2) dying.stopNodeInBackground();
            })).isInstanceOf(OllamaException.class);
        }
        var text = parts.stream().map(p -> p.getMessage().getResponse()).collect(Collectors.joining());
        assertThat(text).startsWith("tok0 tok1 ").doesNotContain("tok199");
        assertThat(parts).noneMatch(OllamaChatResponseModel::isDone);
    }

    @Test
    void moreMessagesThanTheHubAcceptsIsAnOllamaExceptionNamingTheOperatorsOption() {
        var request = OllamaChatRequest.builder().withModel(MODEL);
        for (var m : AgentTurn.chatter(AgentTurn.OVER_THE_HUB_LIMIT)) {
            if (m instanceof AgentTurn.Message.User u) request.withMessage(OllamaChatMessageRole.USER, u.text());
            if (m instanceof AgentTurn.Message.Assistant a) request.withMessage(OllamaChatMessageRole.ASSISTANT, a.text());
        }
        assertThatThrownBy(() -> client.chat(request.build(), null)).isInstanceOf(OllamaException.class)
                .hasMessage("too many messages: " + AgentTurn.OVER_THE_HUB_LIMIT + " (this hub accepts at most "
                            + Limits.DEFAULT_MAX_MESSAGES + " per request; its operator sets --max-messages)");
        assertThat(network.chatCount()).isZero();
    }

    /**
     * ollama4j reads only the first JSON value of an error body, so it cannot notice trailing garbage; stricter
     * clients (ollama-js {@code response.json()}, Go's decoder with {@code More()}) do. Same request, read strictly.
     */
    @Test
    void unknownModelErrorBodyIsExactlyOneJsonObject() throws Exception {
        var body = "{\"model\":\"nope:1b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var request = HttpRequest.newBuilder(URI.create(network.net.url() + "/api/chat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(404);
            var strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            assertThat(strict.readTree(response.body()).path("error").asText())
                    .as("body %s", response.body()).isEqualTo("model 'nope:1b' not found");
        }
    }
}

package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.COMPLETION_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.Behaviour;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatResponseModel;
import io.github.ollama4j.models.generate.OllamaGenerateRequest;
import io.github.ollama4j.models.generate.OllamaGenerateStreamObserver;
import io.github.ollama4j.models.request.ThinkMode;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ollama4j chat and generate through the hub's Ollama face, streamed and not. */
class Ollama4jChatTest {
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

    private static OllamaChatRequest sayHello() {
        return OllamaChatRequest.builder().withModel(MODEL).withMessage(OllamaChatMessageRole.USER, "Say hello");
    }

    @Test
    void nonStreamedChatReturnsTheNodesTextAndTokenCounts() throws Exception {
        var result = client.chat(sayHello().build(), null);

        var response = result.getResponseModel();
        assertThat(response.getMessage().getRole().getRoleName()).isEqualTo("assistant");
        assertThat(response.getMessage().getResponse()).isEqualTo(TEXT);
        assertThat(response.getModel()).isEqualTo(MODEL);
        assertThat(response.isDone()).isTrue();
        assertThat(response.getDoneReason()).isEqualTo("stop");
        assertThat(response.getEvalCount()).isEqualTo(COMPLETION_TOKENS);
        assertThat(response.getPromptEvalCount()).isEqualTo(PROMPT_TOKENS);
        assertThat(response.getTotalDuration()).isPositive();

        var sent = network.nextChat().json();
        assertThat(sent.path("model").asText()).isEqualTo(MODEL);
        var last = sent.path("messages").get(sent.path("messages").size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("user");
        assertThat(last.path("content").asText()).isEqualTo("Say hello");
    }

    @Test
    void streamedChatDeliversEachTokenThenADoneChunkWithCounts() throws Exception {
        var parts = new CopyOnWriteArrayList<OllamaChatResponseModel>();
        var result = client.chat(sayHello().withStreaming().build(), parts::add);

        var tokens = parts.stream().filter(p -> !p.isDone()).map(p -> p.getMessage().getResponse()).toList();
        assertThat(tokens).containsExactlyElementsOf(Behaviour.DEFAULT_TOKENS);
        var done = parts.getLast();
        assertThat(done.isDone()).isTrue();
        assertThat(done.getDoneReason()).isEqualTo("stop");
        assertThat(done.getModel()).isEqualTo(MODEL);
        assertThat(done.getEvalCount()).isEqualTo(COMPLETION_TOKENS);
        assertThat(done.getPromptEvalCount()).isEqualTo(PROMPT_TOKENS);
        assertThat(parts.stream().filter(OllamaChatResponseModel::isDone)).hasSize(1);
        assertThat(result.getResponseModel().getMessage().getResponse()).isEqualTo(TEXT);
        assertThat(network.nextChat().json().path("messages")).isNotEmpty();
    }

    @Test
    void nonStreamedGenerateReturnsTheNodesText() throws Exception {
        var request = OllamaGenerateRequest.builder().withModel(MODEL).withPrompt("Say hello")
                .withThink(ThinkMode.DISABLED).withUseTools(false).withStreaming(false).build();

        var result = client.generate(request, null);

        assertThat(result.getResponse()).isEqualTo(TEXT);
        assertThat(result.isDone()).isTrue();
        assertThat(result.getDoneReason()).isEqualTo("stop");
        assertThat(result.getEvalCount()).isEqualTo(COMPLETION_TOKENS);
    }

    @Test
    void streamedGenerateDeliversEachToken() throws Exception {
        var tokens = new CopyOnWriteArrayList<String>();
        var request = OllamaGenerateRequest.builder().withModel(MODEL).withPrompt("Say hello")
                .withThink(ThinkMode.DISABLED).withUseTools(false).withStreaming(true).build();

        var result = client.generate(request, new OllamaGenerateStreamObserver(null, tokens::add));

        assertThat(tokens).containsExactlyElementsOf(Behaviour.DEFAULT_TOKENS);
        assertThat(result.getResponse()).isEqualTo(TEXT);
    }
}

package dev.idleclaw.clients.langchain4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.testkit.Behaviour;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** langchain4j-open-ai 1.18.1, unchanged, against the hub's OpenAI face ({@code /v1}). */
class LangChain4jOpenAiTest extends ChatModelContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static ClientNetwork network;

    @BeforeAll
    static void start() throws Exception { network = new ClientNetwork(); }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Override
    ClientNetwork network() { return network; }

    @Override
    ChatModel chatModel(ClientNetwork on, String model) {
        return OpenAiChatModel.builder().baseUrl(on.v1()).apiKey("test-key").modelName(model).timeout(TIMEOUT)
                .maxRetries(0).build();
    }

    @Override
    StreamingChatModel streamingModel(ClientNetwork on, String model) { // has no retry option: streams are never retried
        return OpenAiStreamingChatModel.builder().baseUrl(on.v1()).apiKey("test-key").modelName(model)
                .timeout(TIMEOUT).build();
    }

    @Override
    String expectedToolName() { return TOOL; } // the hub resolves it from tool_call_id

    /** This client ignores SSE error events (clients.md §3.5): only the missing finish chunk tells. */
    @Test
    void nodeFailingMidStreamCompletesWithThePartialTextAndNoFinishReasonOrUsage() {
        var collected = Collected.stream(streamingModel(BROKEN), sayHello());

        var response = collected.response();
        assertThat(collected.partials).containsExactly("Hello", " from");
        assertThat(response.aiMessage().text()).isEqualTo("Hello from");
        assertThat(response.finishReason()).isNull();
        assertThat(response.tokenUsage()).isNull();
        assertThat(network.chatCount()).isEqualTo(1);
    }

    @Test
    void nodeFailingDuringANonStreamedChatIsAServerError() {
        assertThatThrownBy(() -> chatModel(BROKEN).chat(sayHello())).isInstanceOf(InternalServerException.class);
    }

    @Test
    void nodeStoppingMidStreamCompletesWithThePartialTextAndNoFinishReasonOrUsage() throws Exception {
        var collected = streamWhileTheNodeStops();

        var response = collected.response();
        assertThat(collected.text()).startsWith("tok0 tok1 ").doesNotContain("tok199");
        assertThat(response.aiMessage().text()).isEqualTo(collected.text());
        assertThat(response.finishReason()).isNull();
        assertThat(response.tokenUsage()).isNull();
    }

    /** Tokens 600 ms apart with a keep-alive comment every 100 ms: the client's SSE parser must skip the comments. */
    @Test
    void sseKeepAliveCommentsBetweenChunksAreSkipped() throws Exception {
        try (var idle = new ClientNetwork()) {
            idle.ollama.behaviour(Behaviour.defaults().withTokens("Hello", " there")
                    .withDelayPerToken(Duration.ofMillis(600)));
            idle.restartHubWithKeepAlive(Duration.ofMillis(100));

            var collected = Collected.stream(streamingModel(idle, ClientNetwork.MODEL), sayHello());

            assertThat(collected.partials).containsExactly("Hello", " there");
            assertThat(collected.response().finishReason()).isEqualTo(FinishReason.STOP);
        }
    }
}

package dev.idleclaw.clients.langchain4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** langchain4j-anthropic 1.18.0, unchanged, against the hub's Anthropic face ({@code /v1/messages}). */
class LangChain4jAnthropicTest extends ChatModelContract {
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
        return AnthropicChatModel.builder().baseUrl(on.v1()).apiKey("sk-ant-test").modelName(model).timeout(TIMEOUT)
                .maxRetries(0).build();
    }

    @Override
    StreamingChatModel streamingModel(ClientNetwork on, String model) { // has no retry option: streams are never retried
        return AnthropicStreamingChatModel.builder().baseUrl(on.v1()).apiKey("sk-ant-test").modelName(model)
                .timeout(TIMEOUT).build();
    }

    @Override
    String expectedToolName() { return TOOL; } // the hub resolves it from tool_use_id

    @Test
    void nodeFailingMidStreamIsOnErrorAfterThePartialText() {
        var collected = Collected.stream(streamingModel(BROKEN), sayHello());

        assertThat(collected.partials).containsExactly("Hello", " from");
        assertThat(collected.error()).hasMessageContaining("the model failed while answering")
                .isInstanceOf(AnthropicStreamingException.class); // the SSE error event, as Anthropic sends it
        assertThat(network.chatCount()).isEqualTo(1);
    }

    @Test
    void nodeFailingDuringANonStreamedChatIsAServerError() {
        assertThatThrownBy(() -> chatModel(BROKEN).chat(sayHello())).isInstanceOf(InternalServerException.class);
    }

    @Test
    void nodeStoppingMidStreamIsOnErrorAfterThePartialText() throws Exception {
        var collected = streamWhileTheNodeStops();

        assertThat(collected.text()).startsWith("tok0 tok1 ").doesNotContain("tok199");
        assertThat(collected.error()).isInstanceOf(AnthropicStreamingException.class).hasMessageContaining("disconnected");
    }
}

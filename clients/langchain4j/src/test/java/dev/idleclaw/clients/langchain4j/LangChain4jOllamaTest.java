package dev.idleclaw.clients.langchain4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.testkit.StandInModel;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingException;
import dev.langchain4j.model.ollama.RunningOllamaModel;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** langchain4j-ollama 1.18.1, unchanged, against the hub's Ollama face ({@code /api/*}). */
class LangChain4jOllamaTest extends ChatModelContract {
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
        return OllamaChatModel.builder().baseUrl(on.net.url()).modelName(model).timeout(TIMEOUT).maxRetries(0)
                .build();
    }

    @Override
    StreamingChatModel streamingModel(ClientNetwork on, String model) { // has no retry option: streams are never retried
        return OllamaStreamingChatModel.builder().baseUrl(on.net.url()).modelName(model).timeout(TIMEOUT).build();
    }

    @Override
    String expectedToolName() { return null; } // langchain4j-ollama's Message has no tool_name

    private static OllamaModels models() {
        return OllamaModels.builder().baseUrl(network.net.url()).timeout(TIMEOUT).maxRetries(0).build();
    }

    @Test
    void nodeFailingMidStreamIsOnErrorWithOllamaStreamingExceptionAfterThePartialText() {
        var collected = Collected.stream(streamingModel(BROKEN), sayHello());

        assertThat(collected.partials).containsExactly("Hello", " from");
        assertThat(collected.error()).isInstanceOf(OllamaStreamingException.class).message().isNotBlank();
        assertThat(network.chatCount()).isEqualTo(1);
    }

    @Test
    void nodeFailingDuringANonStreamedChatIsAServerError() {
        assertThatThrownBy(() -> chatModel(BROKEN).chat(sayHello())).isInstanceOf(InternalServerException.class);
    }

    @Test
    void availableModelsListsEveryNodeModelWithTagSizeAndDigest() {
        var models = models().availableModels().content();

        assertThat(models).extracting(OllamaModel::getName).containsExactlyInAnyOrder(MODEL, BROKEN);
        var llama = models.stream().filter(m -> m.getName().equals(MODEL)).findFirst().orElseThrow();
        assertThat(llama.getModel()).isEqualTo(MODEL);
        assertThat(llama.getSize()).isEqualTo(StandInModel.DEFAULT_SIZE);
        assertThat(llama.getDigest()).matches("[0-9a-f]{64}");
        assertThat(llama.getModifiedAt()).isNotNull();
    }

    @Test
    void runningModelsParsesAndListsOnlyNodeModels() {
        var running = models().runningModels().content();

        assertThat(running).isNotNull().extracting(RunningOllamaModel::getName).allMatch(n -> n.equals(MODEL)
                || n.equals(BROKEN));
    }

    @Test
    void modelCardOfAKnownModelHasItsCapabilities() {
        var card = models().modelCard(MODEL).content();

        assertThat(card.getCapabilities()).contains("completion", "tools");
        assertThat(card.getDetails()).isNotNull();
    }

    @Test
    void nodeStoppingMidStreamIsOnErrorAfterThePartialText() throws Exception {
        var collected = streamWhileTheNodeStops();

        assertThat(collected.text()).startsWith("tok0 tok1 ").doesNotContain("tok199");
        assertThat(collected.error()).isInstanceOf(OllamaStreamingException.class);
    }
}

package dev.idleclaw.clients.openai;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures as the SDK reports them: unknown models, a node's Ollama failing mid-stream, a node stopping. */
class OpenAiJavaErrorTest {
    private static ClientNetwork network;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = Clients.openAi(network);
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() { network.reset(); }

    private static ChatCompletionCreateParams ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
    }

    @Test
    void unknownModelIsANotFoundExceptionWithTheSpecifiedErrorBody() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("nope:1b")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).startsWith("404: ").contains("nope:1b");
                    assertThat(e.type()).contains("not_found_error");
                    assertThat(e.code()).contains("model_not_found");
                });
    }

    @Test
    void unknownModelWhenStreamingFailsBeforeTheFirstChunkWithNotFound() {
        var chunks = new ArrayList<ChatCompletionChunk>();
        assertThatThrownBy(() -> {
            try (var stream = client.chat().completions().createStreaming(ask("nope:1b"))) {
                stream.stream().forEach(chunks::add);
            }
        }).isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(chunks).isEmpty();
    }

    @Test
    void nodeFailingMidStreamIsAnSseExceptionAfterThePartialTextWithoutFinishChunk() {
        var params = ask(BROKEN).toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        var chunks = new ArrayList<ChatCompletionChunk>();
        assertThatThrownBy(() -> {
            try (var stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
            }
        }).isInstanceOfSatisfying(SseException.class, e -> {
            assertThat(e.getMessage()).startsWith("200: ");
            assertThat(e.body().toString()).isNotBlank();
            assertThat(e.type()).contains("api_error");
        });

        assertThat(Streams.text(chunks)).isEqualTo("Hello from");
        assertThat(Streams.finishReasons(chunks)).isEmpty();
        assertThat(chunks).allMatch(c -> c.usage().isEmpty());
        assertThat(network.chatCount()).isEqualTo(1); // maxRetries(0): nothing hidden retried the stream
    }

    @Test
    void nodeFailingDuringANonStreamedChatIsAServerErrorNotAPartialAnswer() {
        assertThatThrownBy(() -> client.chat().completions().create(ask(BROKEN)))
                .isInstanceOfSatisfying(InternalServerException.class,
                        e -> assertThat(e.statusCode()).isBetween(500, 599));
    }

    @Test
    void nodeStoppingMidStreamIsAnSseExceptionAfterThePartialText() throws Exception {
        var chunks = new ArrayList<ChatCompletionChunk>();
        try (var dying = ClientNetwork.slow()) {
            var dyingClient = Clients.openAi(dying);
            try {
                assertThatThrownBy(() -> {
                    try (var stream = dyingClient.chat().completions().createStreaming(ask(MODEL))) {
                        stream.stream().forEach(chunk -> {
                            chunks.add(chunk.validate());
                            if (chunks.size() == 2) dying.stopNodeInBackground();
                        });
                    }
                }).isInstanceOf(SseException.class);
            } finally {
                dyingClient.close();
            }
        }
        assertThat(Streams.text(chunks)).startsWith("tok0 tok1 ").doesNotContain("tok199");
        assertThat(Streams.finishReasons(chunks)).isEmpty();
    }
}

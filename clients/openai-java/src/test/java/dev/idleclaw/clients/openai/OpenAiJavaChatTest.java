package dev.idleclaw.clients.openai;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.COMPLETION_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.idleclaw.testkit.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged, against the hub's {@code /v1} face: plain chat and the model list. */
class OpenAiJavaChatTest {
    private static ClientNetwork network;
    private static OpenAIClient client;

    private static final ChatCompletionCreateParams SAY_HELLO = ChatCompletionCreateParams.builder()
            .model(MODEL).addUserMessage("Say hello").build();

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

    @Test
    void nonStreamedChatReturnsTheNodesTextWithStopAndUsage() {
        ChatCompletion completion = client.chat().completions().create(SAY_HELLO).validate();

        assertThat(completion.id()).startsWith("chatcmpl-").hasSizeGreaterThanOrEqualTo("chatcmpl-".length() + 24);
        assertThat(completion.model()).isEqualTo(MODEL);
        assertThat(completion.choices()).hasSize(1);
        var choice = completion.choices().getFirst();
        assertThat(choice.index()).isZero();
        assertThat(choice.message().content()).contains(TEXT);
        assertThat(choice.message().refusal()).isEmpty();
        assertThat(choice.message().toolCalls()).isEmpty();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.totalTokens()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);

        var sent = network.nextChat().json();
        assertThat(sent.path("model").asText()).isEqualTo(MODEL);
        var last = sent.path("messages").get(sent.path("messages").size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("user");
        assertThat(last.path("content").asText()).isEqualTo("Say hello");
    }

    @Test
    void streamedChatSendsTextThenOneStopChunkThenTheUsageChunk() {
        var params = SAY_HELLO.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = Streams.collect(client, params);

        assertThat(Streams.text(chunks)).isEqualTo(TEXT);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.getFirst().id());
        assertThat(chunks.getFirst().id()).startsWith("chatcmpl-");
        assertThat(chunks).extracting(ChatCompletionChunk::created).containsOnly(chunks.getFirst().created());
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly(MODEL);
        assertThat(Streams.finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        var roles = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().role()).toList();
        assertThat(roles.getFirst()).contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        assertThat(roles.subList(1, roles.size())).allMatch(Optional::isEmpty);

        var usageChunk = chunks.getLast();
        assertThat(usageChunk.choices()).isEmpty();
        var usage = usageChunk.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.totalTokens()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);
        assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(c -> c.usage().isEmpty());
    }

    @Test
    void streamedChatWithoutIncludeUsageHasNoUsageChunk() {
        List<ChatCompletionChunk> chunks = Streams.collect(client, SAY_HELLO);

        assertThat(Streams.text(chunks)).isEqualTo(TEXT);
        assertThat(Streams.finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).allMatch(c -> c.usage().isEmpty()).allMatch(c -> c.choices().size() == 1);
    }

    @Test
    void modelListHasEveryNodeModelWithItsTag() {
        var models = new ArrayList<Model>();
        client.models().list().autoPager().forEach(m -> models.add(m.validate()));

        assertThat(models).extracting(Model::id).containsExactlyInAnyOrder(MODEL, BROKEN);
        assertThat(models).allSatisfy(m -> {
            assertThat(m.ownedBy()).isNotBlank();
            assertThat(m.created()).isPositive();
        });
    }

    /** Tokens 600 ms apart with a keep-alive comment every 100 ms: the SDK's SSE parser must skip the comments. */
    @Test
    void sseKeepAliveCommentsBetweenChunksAreSkippedBySdk() throws Exception {
        try (var idle = new ClientNetwork()) {
            idle.ollama.behaviour(Behaviour.defaults().withTokens("Hello", " there")
                    .withDelayPerToken(Duration.ofMillis(600)));
            idle.restartHubWithKeepAlive(Duration.ofMillis(100));
            var idleClient = Clients.openAi(idle);
            try {
                var chunks = Streams.collect(idleClient, SAY_HELLO);

                assertThat(Streams.text(chunks)).isEqualTo("Hello there");
                assertThat(Streams.finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
            } finally {
                idleClient.close();
            }
        }
    }
}

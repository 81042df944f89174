package dev.idleclaw.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged, against the stand-in's {@code /v1} face. */
class OpenAiSdkTest extends StandInTestBase {
    private static final String TEXT = String.join("", Behaviour.DEFAULT_TOKENS);
    private static final ChatCompletionCreateParams HELLO = ChatCompletionCreateParams.builder()
            .model("llama3.2").addUserMessage("Say hello").build();
    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder().name("get_weather")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    private OpenAIClient sdk;

    @BeforeEach
    void startSdk() {
        sdk = OpenAIOkHttpClient.builder().baseUrl(ollama.baseUrl() + "/v1").apiKey("ollama").maxRetries(0)
                .timeout(Client.TIMEOUT).build();
    }

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    private List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        var chunks = new ArrayList<ChatCompletionChunk>();
        try (var stream = sdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
        }
        return chunks;
    }

    @Test
    void nonStreamedChatIsACompletionWithStopAndTheNativeCountsAsUsage() {
        ollama.behaviour(Behaviour.defaults().withPromptEvalCount(26).withEvalCount(5));
        ChatCompletion completion = sdk.chat().completions().create(HELLO).validate();
        assertThat(completion.id()).matches("chatcmpl-\\d{1,3}");
        assertThat(completion.model()).isEqualTo("llama3.2");
        assertThat(completion.systemFingerprint()).contains("fp_ollama");
        var choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains(TEXT);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(List.of(usage.promptTokens(), usage.completionTokens(), usage.totalTokens())).containsExactly(26L, 5L, 31L);

        var arrived = ollama.awaitRequest("/v1/chat/completions", Client.TIMEOUT);
        assertThat(arrived.json().path("messages").get(0).path("content").asText()).isEqualTo("Say hello");
        assertThat(arrived.header("Authorization")).isEqualTo("Bearer ollama");
    }

    @Test
    void streamedChatSendsTheTokensThenOneFinishReasonThenTheUsageChunkWhenAskedFor() {
        var chunks = stream(HELLO.toBuilder().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        var text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text).hasToString(TEXT);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.getFirst().id());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(Behaviour.DEFAULT_TOKENS.size());

        assertThat(stream(HELLO)).allMatch(c -> c.usage().isEmpty() && c.choices().size() == 1);
    }

    @Test
    void toolCallsComeBackWithStringArgumentsAndFinishReasonToolCalls() {
        ollama.behaviour(Behaviour.defaults().withToolCalls(Behaviour.ToolCall.of("get_weather", "{\"city\":\"Tokyo\"}")));
        var ask = HELLO.toBuilder().addTool(WEATHER).build();
        var choice = sdk.chat().completions().create(ask).validate().choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Tokyo\"}");

        var chunks = stream(ask);
        var streamed = chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.delta().toolCalls().stream())
                .flatMap(List::stream).toList();
        assertThat(streamed).singleElement().satisfies(c -> assertThat(c.function().orElseThrow().arguments()).contains("{\"city\":\"Tokyo\"}"));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void reasoningEffortTurnsThinkingOnAndTheThoughtsArriveAsReasoning() {
        ollama.model(StandInModel.of("qwen3:8b"));
        var think = ChatCompletionCreateParams.builder().model("qwen3:8b").addUserMessage("Hi")
                .reasoningEffort(ReasoningEffort.LOW).build();
        var message = sdk.chat().completions().create(think).validate().choices().getFirst().message();
        assertThat(message._additionalProperties().get("reasoning")).isEqualTo(JsonValue.from(String.join("", Behaviour.DEFAULT_THINKING)));
        assertThat(message.content()).contains(TEXT);
        assertThat(ollama.awaitRequest("/v1/chat/completions", Client.TIMEOUT).json().path("reasoning_effort").asText()).isEqualTo("low");

        assertThatThrownBy(() -> sdk.chat().completions().create(think.toBuilder().model("llama3.2").build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("\"llama3.2\" does not support thinking"));
    }

    @Test
    void modelsAreListedAndRetrievedOwnedByTheirNamespace() {
        ollama.model(StandInModel.of("someone/tiny:1b").withModifiedAt("2025-01-02T03:04:05Z"));
        var models = new ArrayList<Model>();
        sdk.models().list().autoPager().forEach(m -> models.add(m.validate()));
        assertThat(models).extracting(Model::id).containsExactly("llama3.2:latest", "someone/tiny:1b");
        assertThat(models).extracting(Model::ownedBy).containsExactly("library", "someone");
        assertThat(models.getLast().created()).isEqualTo(1735787045L);

        var one = sdk.models().retrieve("llama3.2").validate();
        assertThat(one.id()).isEqualTo("llama3.2");
        assertThat(one.ownedBy()).isEqualTo("library");
        assertThatThrownBy(() -> sdk.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void errorsBeforeTheReplyAreTheSdksExceptionsForTheirStatus() {
        assertThatThrownBy(() -> sdk.chat().completions().create(HELLO.toBuilder().model("nope").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage()).contains("model 'nope' not found"));
        ollama.behaviour(Behaviour.defaults().busy());
        assertThatThrownBy(() -> sdk.chat().completions().create(HELLO))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    }
}

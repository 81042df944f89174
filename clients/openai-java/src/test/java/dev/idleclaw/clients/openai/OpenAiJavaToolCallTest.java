package dev.idleclaw.clients.openai;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static dev.idleclaw.e2e.ClientNetwork.TOOL_ARGUMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tool calling end to end through {@code /v1}: tools reach the node's Ollama, calls come back, results go out. */
class OpenAiJavaToolCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETERS =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder().name(TOOL).description("Current weather in a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                            .build())
                    .build())
            .build();
    private static final ChatCompletionCreateParams ASK = ChatCompletionCreateParams.builder()
            .model(MODEL).addUserMessage("What is the weather in Tokyo?").addTool(WEATHER).build();

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

    @Test
    void nonStreamedToolCallArrivesWithStringArgumentsAndTheResultGoesBackAsAToolMessage() throws Exception {
        ChatCompletion completion = client.chat().completions().create(ASK).validate();

        assertToolsForwarded(network.nextChat().json());
        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var call = calls.getFirst().asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo(TOOL);
        assertThat(call.function().arguments()).isEqualTo(TOOL_ARGUMENTS);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(1);
        assertThat(usage.totalTokens()).isEqualTo(PROMPT_TOKENS + 1);

        var followUp = ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is the weather in Tokyo?")
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("22 degrees and sunny").build())
                .build();
        ChatCompletion answer = client.chat().completions().create(followUp).validate();

        assertThat(answer.choices().getFirst().message().content()).contains(TEXT);
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var messages = network.nextChat().json().path("messages");
        var assistant = only(messages, "assistant");
        var sentCall = assistant.path("tool_calls").get(0).path("function");
        assertThat(sentCall.path("name").asText()).isEqualTo(TOOL);
        assertThat(sentCall.path("arguments")).isEqualTo(JSON.readTree(TOOL_ARGUMENTS));
        var tool = only(messages, "tool");
        assertThat(tool.path("content").asText()).isEqualTo("22 degrees and sunny");
        assertThat(tool.path("tool_name").asText()).isEqualTo(TOOL);
    }

    @Test
    void streamedToolCallArrivesWholeInOneDeltaThenFinishReasonToolCalls() throws Exception {
        var params = ASK.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        var accumulator = ChatCompletionAccumulator.create();
        var chunks = Streams.collect(client, params);
        chunks.forEach(accumulator::accumulate);

        assertToolsForwarded(network.nextChat().json());
        var deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(ch -> ch.delta().toolCalls().stream()).flatMap(List::stream).toList();
        assertThat(deltas).isNotEmpty();
        var first = deltas.getFirst();
        assertThat(first.index()).isZero();
        assertThat(first.id()).hasValueSatisfying(id -> assertThat(id).startsWith("call_"));
        assertThat(first.type()).contains(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION);
        assertThat(first.function().orElseThrow().name()).contains(TOOL);
        var arguments = new StringBuilder();
        deltas.forEach(d -> d.function().flatMap(f -> f.arguments()).ifPresent(arguments::append));
        assertThat(arguments.toString()).isEqualTo(TOOL_ARGUMENTS);
        assertThat(Streams.finishReasons(chunks))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(1);

        var call = accumulator.chatCompletion().choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo(TOOL);
        assertThat(call.function().arguments()).isEqualTo(TOOL_ARGUMENTS);
    }

    private static void assertToolsForwarded(JsonNode sent) throws Exception {
        assertThat(sent.path("tools")).hasSize(1);
        var tool = sent.path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("name").asText()).isEqualTo(TOOL);
        assertThat(tool.path("function").path("description").asText()).isEqualTo("Current weather in a city");
        assertThat(tool.path("function").path("parameters")).isEqualTo(JSON.readTree(PARAMETERS));
    }

    private static JsonNode only(JsonNode messages, String role) {
        var matching = StreamSupport.stream(messages.spliterator(), false)
                .filter(m -> role.equals(m.path("role").asText())).toList();
        assertThat(matching).as("%s messages in %s", role, messages).hasSize(1);
        return matching.getFirst();
    }
}

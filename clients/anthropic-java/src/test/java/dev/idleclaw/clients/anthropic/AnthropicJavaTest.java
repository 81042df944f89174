package dev.idleclaw.clients.anthropic;

import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.COMPLETION_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.ClientNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official Anthropic Java SDK against the hub's {@code /v1/messages}, with a real node and the stand-in Ollama. */
class AnthropicJavaTest {
    private static final Tool WEATHER = Tool.builder().name(TOOL).description("Current weather in a city")
            .inputSchema(Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .addRequired("city").build())
            .build();

    private static ClientNetwork network;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        // No hidden retries, explicit timeouts; the key is any non-ick_ string (the hub treats it as anonymous).
        client = AnthropicOkHttpClient.builder().baseUrl(network.net.url()).apiKey("sk-ant-test").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() {
        network.reset();
    }

    private static MessageCreateParams.Builder ask(String text) {
        return MessageCreateParams.builder().model(MODEL).maxTokens(256).system("Be brief.").addUserMessage(text);
    }

    @Test
    void aMessageComesBackAsOneTextBlockWithUsage() {
        Message message = client.messages().create(ask("Say hello").build()).validate();

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo(TEXT);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(message.usage().outputTokens()).isEqualTo(COMPLETION_TOKENS);
        JsonNode sent = network.nextChat().json();
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("options").path("num_predict").asInt()).isEqualTo(256);
    }

    @Test
    void aStreamAccumulatesIntoTheSameMessage() {
        var accumulator = MessageAccumulator.create();
        List<RawMessageStreamEvent> events;
        try (var stream = client.messages().createStreaming(ask("Say hello").build())) {
            events = stream.stream().peek(accumulator::accumulate).toList();
        }
        assertThat(events.getFirst().isMessageStart()).isTrue();
        assertThat(events.getLast().isMessageStop()).isTrue();
        assertThat(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta).count()).isEqualTo(COMPLETION_TOKENS);
        Message message = accumulator.message();
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo(TEXT);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(COMPLETION_TOKENS);
    }

    @Test
    void aToolUseComesBackAndItsResultGoesToTheNodeAsAToolMessage() {
        Message first = client.messages().create(ask("What is the weather in Tokyo?").addTool(WEATHER).build()).validate();

        JsonNode offered = network.nextChat().json().path("tools");
        assertThat(offered).hasSize(1);
        assertThat(offered.get(0).path("function").path("name").asText()).isEqualTo(TOOL);
        assertThat(offered.get(0).path("function").path("parameters").path("required").get(0).asText()).isEqualTo("city");
        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(use.name()).isEqualTo(TOOL);
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Tokyo"));

        Message answer = client.messages().create(ask("What is the weather in Tokyo?")
                .addMessage(first)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("22 degrees and sunny").build())))
                .build()).validate();

        assertThat(answer.content().getFirst().text().orElseThrow().text()).isEqualTo(TEXT);
        var messages = network.nextChat().json().path("messages");
        var assistant = only(messages, "assistant");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo(TOOL);
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").path("city").asText()).isEqualTo("Tokyo");
        var tool = only(messages, "tool");
        assertThat(tool.path("content").asText()).isEqualTo("22 degrees and sunny");
        assertThat(tool.path("tool_name").asText()).isEqualTo(TOOL);
    }

    @Test
    void aStreamedToolUseAccumulatesItsInput() {
        var accumulator = MessageAccumulator.create();
        try (var stream = client.messages().createStreaming(ask("What is the weather in Tokyo?").addTool(WEATHER).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = message.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Tokyo"));
    }

    @Test
    void anUnknownModelIsNotFoundInAnthropicsErrorShape() {
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("nope:1b").maxTokens(16)
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.errorType()).contains(ErrorType.NOT_FOUND_ERROR);
                });
    }

    @Test
    void thinkingForAModelThatCannotThinkIsAnsweredWithoutThinking() {
        // As Ollama's Anthropic door does (Claude Code asks for thinking whatever the model): dropped, not refused.
        Message message = client.messages().create(ask("hi").enabledThinking(1024).build()).validate();

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo(TEXT);
        assertThat(network.nextChat().json().has("think")).isFalse();
    }

    @Test
    void aStreamThatFailsMidwayEndsInAnError() {
        var params = MessageCreateParams.builder().model(BROKEN).maxTokens(16).addUserMessage("hi").build();
        assertThatThrownBy(() -> {
            try (var stream = client.messages().createStreaming(params)) {
                stream.stream().forEach(e -> { });
            }
        }).isInstanceOf(AnthropicServiceException.class).hasMessageContaining("the model failed while answering");
    }

    @Test
    void countTokensGivesAnEstimate() {
        var count = client.messages().countTokens(MessageCountTokensParams.builder().model(MODEL).system("Be brief.")
                .addUserMessage("Say hello").build());
        assertThat(count.inputTokens()).isPositive();
    }

    private static JsonNode only(JsonNode messages, String role) {
        var matching = StreamSupport.stream(messages.spliterator(), false).filter(m -> role.equals(m.path("role").asText())).toList();
        assertThat(matching).as("%s messages in %s", role, messages).hasSize(1);
        return matching.getFirst();
    }
}

package dev.idleclaw.clients.anthropic;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.AgentTurnCheck;
import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agent-sized turns through the official SDK (issue 12 §3): a 25,000-character system prompt, 20 tools and a history
 * of tool_use and tool_result blocks reach the node's Ollama as 120 messages, streamed or not, with a context window
 * fitted to them; a history longer than the hub accepts is the SDK's {@code BadRequestException} naming the option.
 */
class AnthropicJavaAgentTurnTest {
    /** What Claude Code asks for an agent's answer: room for a long reply with tool calls. */
    private static final int MAX_TOKENS = 8_192;

    private static ClientNetwork network;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = AnthropicOkHttpClient.builder().baseUrl(network.net.url()).apiKey("sk-ant-test").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() { network.reset(); }

    @Test
    void anAgentSizedMessageReachesTheNodeWholeAndIsAnswered() {
        network.ollama.behaviour(AgentTurn.answeringInText());
        Message message = client.messages().create(turn(AgentTurn.history())).validate();

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().text().orElseThrow().text()).isEqualTo(TEXT);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        JsonNode sent = network.nextChat().json();
        AgentTurnCheck.assertCarried(sent, true);
        assertThat(sent.path("options").path("num_predict").asInt()).isEqualTo(MAX_TOKENS);
    }

    @Test
    void anAgentSizedStreamReachesTheNodeWholeAndCallsOneOfItsTools() throws Exception {
        network.ollama.behaviour(AgentTurn.answeringWithAToolCall());
        var accumulator = MessageAccumulator.create();
        try (var stream = client.messages().createStreaming(turn(AgentTurn.history()))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        var use = message.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(use.name()).isEqualTo(AgentTurn.NEXT_TOOL);
        assertThat(use._input().convert(Map.class)).isEqualTo(Json.MAPPER.readValue(AgentTurn.NEXT_ARGUMENTS, Map.class));
        AgentTurnCheck.assertCarried(network.nextChat().json(), true);
    }

    @Test
    void moreMessagesThanTheHubAcceptsIsABadRequestNamingTheOperatorsOption() {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> client.messages().create(turn(AgentTurn.chatter(AgentTurn.OVER_THE_HUB_LIMIT))));

        assertThat(e.statusCode()).isEqualTo(400);
        // The hub counts the system prompt too.
        assertThat(e.getMessage()).contains("too many messages: " + (AgentTurn.OVER_THE_HUB_LIMIT + 1))
                .contains("its operator sets --max-messages");
        assertThat(network.chatCount()).isZero();
    }

    /** The system prompt, {@code history} (calls as tool_use blocks, results as tool_result blocks) and the tools. */
    private static MessageCreateParams turn(List<AgentTurn.Message> history) {
        var params = MessageCreateParams.builder().model(MODEL).maxTokens(MAX_TOKENS).system(AgentTurn.systemPrompt());
        for (AgentTurn.Message m : history) {
            switch (m) {
                case AgentTurn.Message.User u -> params.addUserMessage(u.text());
                case AgentTurn.Message.Assistant a -> params.addAssistantMessage(a.text());
                case AgentTurn.Message.ToolCall c -> {
                    var input = ToolUseBlockParam.Input.builder();
                    c.arguments().properties().forEach(e -> input.putAdditionalProperty(e.getKey(), value(e.getValue())));
                    params.addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(
                            ToolUseBlockParam.builder().id(c.id()).name(c.tool()).input(input.build()).build())));
                }
                case AgentTurn.Message.ToolResult r -> params.addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(r.id()).content(r.text()).build())));
            }
        }
        for (AgentTurn.Tool t : AgentTurn.tools()) {
            var required = t.parameters().path("required").valueStream().map(JsonNode::asText).toList();
            params.addTool(Tool.builder().name(t.name()).description(t.description())
                    .inputSchema(Tool.InputSchema.builder().properties(value(t.parameters().path("properties")))
                            .required(required).build())
                    .build());
        }
        return params.build();
    }

    /** A JSON value in the SDK's own type, through plain Java maps, lists and scalars. */
    private static JsonValue value(JsonNode node) {
        return JsonValue.from(Json.MAPPER.convertValue(node, Object.class));
    }
}

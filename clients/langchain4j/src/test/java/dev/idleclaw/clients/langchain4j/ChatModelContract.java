package dev.idleclaw.clients.langchain4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.COMPLETION_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static dev.idleclaw.e2e.ClientNetwork.TOOL_ARGUMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.AgentTurnCheck;
import dev.idleclaw.testkit.Behaviour;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every LangChain4j chat model must get from the hub, whichever face it speaks: text, token usage, finish
 * reasons, tool calls both ways, agent-sized turns passed whole, and {@code ModelNotFoundException} for an unknown
 * model. Subclasses supply the models (built with {@code modelName(MODEL)}) and the face-specific failure behaviour.
 */
abstract class ChatModelContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ToolSpecification WEATHER = ToolSpecification.builder().name(TOOL)
            .description("Current weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    static final String RESULT = "22 degrees and sunny";

    abstract ClientNetwork network();

    abstract ChatModel chatModel(ClientNetwork on, String model);

    abstract StreamingChatModel streamingModel(ClientNetwork on, String model);

    ChatModel chatModel(String model) { return chatModel(network(), model); }

    StreamingChatModel streamingModel(String model) { return streamingModel(network(), model); }

    /** The {@code tool_name} the node's Ollama must see on the tool result, or null when the client sends none. */
    abstract String expectedToolName();

    @BeforeEach
    void reset() { network().reset(); }

    /** Streams from a {@link ClientNetwork#slow()} network and stops its node after the second token. */
    Collected streamWhileTheNodeStops() throws Exception {
        try (var dying = ClientNetwork.slow()) {
            return Collected.stream(streamingModel(dying, MODEL), sayHello(), dying::stopNodeInBackground);
        }
    }

    static ChatRequest sayHello() { return ChatRequest.builder().messages(UserMessage.from("Say hello")).build(); }

    static ChatRequest askWeather() {
        return ChatRequest.builder().messages(UserMessage.from("What is the weather in Tokyo?"))
                .toolSpecifications(WEATHER).build();
    }

    @Test
    void nonStreamedChatReturnsTextUsageAndStop() {
        ChatResponse response = chatModel(MODEL).chat(sayHello());

        assertText(response);
        var sent = network().nextChat().json().path("messages");
        assertThat(sent.get(sent.size() - 1).path("content").asText()).isEqualTo("Say hello");
    }

    @Test
    void streamedChatDeliversEachTokenThenTextUsageAndStop() {
        var collected = Collected.stream(streamingModel(MODEL), sayHello());

        assertThat(collected.partials).containsExactlyElementsOf(Behaviour.DEFAULT_TOKENS);
        assertText(collected.response());
    }

    @Test
    void nonStreamedToolCallComesBackAndTheToolResultReachesTheNode() throws Exception {
        ChatResponse response = chatModel(MODEL).chat(askWeather());

        assertToolCall(response);
        assertToolResultForwarded(response.aiMessage().toolExecutionRequests().getFirst(), chatModel(MODEL)::chat);
    }

    @Test
    void streamedToolCallComesBackAndTheToolResultReachesTheNode() throws Exception {
        var collected = Collected.stream(streamingModel(MODEL), askWeather());

        var response = collected.response();
        assertToolCall(response);
        assertThat(collected.completeToolCalls).extracting(ToolExecutionRequest::name).containsExactly(TOOL);
        assertToolResultForwarded(response.aiMessage().toolExecutionRequests().getFirst(),
                request -> Collected.stream(streamingModel(MODEL), request).response());
    }

    @Test
    void unknownModelIsModelNotFoundException() {
        assertThatThrownBy(() -> chatModel("nope:1b").chat(sayHello()))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("nope:1b");
    }

    @Test
    void unknownModelWhenStreamingIsModelNotFoundExceptionInOnError() {
        var collected = Collected.stream(streamingModel("nope:1b"), sayHello());

        assertThat(collected.error()).isInstanceOf(ModelNotFoundException.class);
        assertThat(collected.partials).isEmpty();
    }

    @Test
    void anAgentSizedTurnReachesTheNodeWholeAndIsAnswered() {
        network().ollama.behaviour(AgentTurn.answeringInText());
        ChatResponse response = chatModel(MODEL).chat(AgentTurns.request(AgentTurn.history()));

        assertThat(response.aiMessage().text()).isEqualTo(TEXT);
        AgentTurnCheck.assertCarried(network().nextChat().json(), expectedToolName() != null);
    }

    @Test
    void anAgentSizedStreamedTurnReachesTheNodeWholeAndCallsOneOfItsTools() throws Exception {
        network().ollama.behaviour(AgentTurn.answeringWithAToolCall());
        var response = Collected.stream(streamingModel(MODEL), AgentTurns.request(AgentTurn.history())).response();

        assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
        var call = response.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo(AgentTurn.NEXT_TOOL);
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree(AgentTurn.NEXT_ARGUMENTS));
        AgentTurnCheck.assertCarried(network().nextChat().json(), expectedToolName() != null);
    }

    @Test
    void moreMessagesThanTheHubAcceptsIsAnInvalidRequestNamingTheOperatorsOption() {
        var tooLong = AgentTurns.request(AgentTurn.chatter(AgentTurn.OVER_THE_HUB_LIMIT));
        assertThatThrownBy(() -> chatModel(MODEL).chat(tooLong))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("its operator sets --max-messages");
        assertThat(network().chatCount()).isZero();
    }

    private static void assertText(ChatResponse response) {
        assertThat(response.aiMessage().text()).isEqualTo(TEXT);
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.metadata().modelName()).isEqualTo(MODEL);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(PROMPT_TOKENS);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(COMPLETION_TOKENS);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);
    }

    private void assertToolCall(ChatResponse response) throws Exception {
        var tools = network().nextChat().json().path("tools");
        assertThat(tools).hasSize(1);
        var function = tools.get(0).path("function");
        assertThat(tools.get(0).path("type").asText()).isEqualTo("function");
        assertThat(function.path("name").asText()).isEqualTo(TOOL);
        assertThat(function.path("description").asText()).isEqualTo("Current weather in a city");
        assertThat(function.path("parameters").path("type").asText()).isEqualTo("object");
        assertThat(function.path("parameters").path("properties").path("city").path("type").asText())
                .isEqualTo("string");
        assertThat(function.path("parameters").path("required")).isEqualTo(JSON.readTree("[\"city\"]"));

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
        var call = response.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.name()).isEqualTo(TOOL);
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree(TOOL_ARGUMENTS));
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(PROMPT_TOKENS);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(1);
    }

    /** Sends the tool result back (without tools, so the stand-in answers in text) and checks what the node sent. */
    private void assertToolResultForwarded(ToolExecutionRequest call, Function<ChatRequest, ChatResponse> send)
            throws Exception {
        var followUp = ChatRequest.builder().messages(UserMessage.from("What is the weather in Tokyo?"),
                AiMessage.from(call), ToolExecutionResultMessage.from(call, RESULT)).build();
        var answer = send.apply(followUp);

        assertThat(answer.aiMessage().text()).isEqualTo(TEXT);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        var messages = network().nextChat().json().path("messages");
        var sentCall = only(messages, "assistant").path("tool_calls").get(0).path("function");
        assertThat(sentCall.path("name").asText()).isEqualTo(TOOL);
        assertThat(sentCall.path("arguments")).isEqualTo(JSON.readTree(TOOL_ARGUMENTS));
        var tool = only(messages, "tool");
        assertThat(tool.path("content").asText()).isEqualTo(RESULT);
        if (expectedToolName() != null) assertThat(tool.path("tool_name").asText()).isEqualTo(expectedToolName());
    }

    static JsonNode only(JsonNode messages, String role) {
        var matching = StreamSupport.stream(messages.spliterator(), false)
                .filter(m -> role.equals(m.path("role").asText())).toList();
        assertThat(matching).as("%s messages in %s", role, messages).hasSize(1);
        return matching.getFirst();
    }
}

package dev.idleclaw.clients.openai;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static dev.idleclaw.e2e.ClientNetwork.TOOL_ARGUMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.idleclaw.e2e.ClientNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's Responses API through the hub's {@code /v1/responses}: text, streams, a function tool round trip, errors. */
class OpenAiJavaResponsesTest {
    private static final FunctionTool WEATHER = FunctionTool.builder().name(TOOL).description("Current weather in a city").strict(false)
            .parameters(FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();

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
    void aTextResponseValidatesAndCarriesTheAnswerAndUsage() {
        Response r = client.responses().create(ResponseCreateParams.builder().model(MODEL).instructions("Be brief.").input("Say hello")
                .store(false).build()).validate();

        assertThat(r.status()).contains(com.openai.models.responses.ResponseStatus.COMPLETED);
        assertThat(text(r.output())).isEqualTo(TEXT);
        var usage = r.usage().orElseThrow();
        assertThat(usage.inputTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        var sent = network.nextChat().json().path("messages");
        assertThat(sent.get(0).path("role").asText() + ":" + sent.get(0).path("content").asText()).isEqualTo("system:Be brief.");
    }

    @Test
    void aStreamValidatesEveryEventAndAccumulatesToTheSameText() {
        var events = stream(ResponseCreateParams.builder().model(MODEL).input("Say hello").build());

        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).isTrue();
        var deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        assertThat(deltas.toString()).isEqualTo(TEXT);
        var accumulator = ResponseAccumulator.create();
        events.forEach(accumulator::accumulate);
        assertThat(text(accumulator.response().output())).isEqualTo(TEXT);
        assertThat(events.getLast().asCompleted().response().usage().orElseThrow().inputTokens()).isEqualTo(PROMPT_TOKENS);
    }

    @Test
    void aFunctionCallComesBackAndItsOutputGoesBackAsInputItems() {
        Response first = client.responses().create(ResponseCreateParams.builder().model(MODEL).input("What is the weather in Tokyo?")
                .addTool(WEATHER).build()).validate();

        var sentTools = network.nextChat().json().path("tools");
        assertThat(sentTools).hasSize(1);
        assertThat(sentTools.get(0).path("function").path("name").asText()).isEqualTo(TOOL);
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst().orElseThrow()
                .asFunctionCall();
        assertThat(call.name()).isEqualTo(TOOL);
        assertThat(call.arguments()).isEqualTo(TOOL_ARGUMENTS);
        assertThat(call.callId()).isNotBlank();

        List<ResponseInputItem> input = List.of(
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                        .content("What is the weather in Tokyo?").build()),
                ResponseInputItem.ofFunctionCall(call),
                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
                        .output("22 degrees and sunny").build()));
        Response answer = client.responses().create(ResponseCreateParams.builder().model(MODEL).inputOfResponse(input).build()).validate();

        assertThat(text(answer.output())).isEqualTo(TEXT);
        var messages = network.nextChat().json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo(TOOL);
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("arguments").toString()).isEqualTo(TOOL_ARGUMENTS);
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("22 degrees and sunny");
    }

    @Test
    void aStreamedFunctionCallHasItsArgumentsEventsAndAccumulates() {
        var events = stream(ResponseCreateParams.builder().model(MODEL).input("What is the weather in Tokyo?").addTool(WEATHER).build());

        var done = events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone).findFirst().orElseThrow()
                .asFunctionCallArgumentsDone();
        assertThat(done.arguments()).isEqualTo(TOOL_ARGUMENTS);
        var accumulator = ResponseAccumulator.create();
        events.forEach(accumulator::accumulate);
        var call = accumulator.response().output().getFirst().asFunctionCall();
        assertThat(call.name()).isEqualTo(TOOL);
        assertThat(call.arguments()).isEqualTo(TOOL_ARGUMENTS);
        assertThat(events.getLast().isCompleted()).isTrue();
    }

    @Test
    void statefulRequestsAndUnknownModelsAreTheSdksTypedErrors() {
        var stored = ResponseCreateParams.builder().model(MODEL).input("hi").store(true).build();
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(BadRequestException.class, () -> client.responses().create(stored))
                .getMessage()).contains("stateless");
        var unknown = ResponseCreateParams.builder().model("nope:1b").input("hi").build();
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(NotFoundException.class, () -> client.responses().create(unknown))
                .getMessage()).contains("model 'nope:1b' not found");
    }

    @Test
    void aNodeFailingMidStreamEndsTheStreamWithResponseFailed() {
        var events = stream(ResponseCreateParams.builder().model(ClientNetwork.BROKEN).input("Say hello").build());

        assertThat(events.stream().anyMatch(ResponseStreamEvent::isOutputTextDelta)).isTrue();
        assertThat(events.getLast().isFailed()).isTrue();
        var failed = events.getLast().asFailed().response();
        assertThat(failed.status()).contains(com.openai.models.responses.ResponseStatus.FAILED);
        assertThat(failed.error().orElseThrow().message()).isEqualTo("the model failed while answering");
    }

    @Test
    void aJsonSchemaTextFormatReachesTheNodeAsOllamasFormat() {
        var schema = com.openai.models.responses.ResponseFormatTextJsonSchemaConfig.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build();
        var format = com.openai.models.responses.ResponseFormatTextJsonSchemaConfig.builder().name("place").schema(schema).strict(true).build();
        client.responses().create(ResponseCreateParams.builder().model(MODEL).input("Where?")
                .text(com.openai.models.responses.ResponseTextConfig.builder().format(format).build()).build()).validate();

        assertThat(network.nextChat().json().path("format").toString())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
    }

    private static List<ResponseStreamEvent> stream(ResponseCreateParams params) {
        var events = new ArrayList<ResponseStreamEvent>();
        try (var s = client.responses().createStreaming(params)) {
            s.stream().forEach(e -> events.add(e.validate()));
        }
        return events;
    }

    private static String text(List<ResponseOutputItem> output) {
        var text = new StringBuilder();
        output.stream().filter(ResponseOutputItem::isMessage)
                .forEach(m -> m.asMessage().content().forEach(c -> text.append(c.asOutputText().text())));
        return text.toString();
    }
}

package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.PROMPT_TOKENS;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static dev.idleclaw.e2e.ClientNetwork.TOOL;
import static dev.idleclaw.e2e.ClientNetwork.TOOL_ARGUMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idleclaw.testkit.Behaviour;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatResponseModel;
import io.github.ollama4j.models.chat.OllamaChatResult;
import io.github.ollama4j.tools.Tools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ollama4j's own tool loop through the hub: the tool reaches the node's Ollama, the call comes back with object
 * arguments, ollama4j runs the tool and sends the result as a {@code role:tool} message, the model then answers.
 */
class Ollama4jToolCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT = "22 degrees and sunny";

    private static ClientNetwork network;
    private static Ollama client;
    private final List<Map<String, Object>> invocations = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = Ollama4jClients.of(network);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() { network.reset(); }

    /** The weather tool; running it makes the stand-in answer the next request in text. */
    private Tools.Tool weather() {
        var city = Tools.Property.builder().type("string").description("City name").required(true).build();
        var spec = Tools.ToolSpec.builder().name(TOOL).description("Current weather in a city")
                .parameters(Tools.Parameters.of(Map.of("city", city))).build();
        return Tools.Tool.builder().toolSpec(spec).toolFunction(arguments -> {
            invocations.add(arguments);
            network.ollama.behaviour(Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS));
            return RESULT;
        }).build();
    }

    private OllamaChatRequest ask() {
        return OllamaChatRequest.builder().withModel(MODEL)
                .withMessage(OllamaChatMessageRole.USER, "What is the weather in Tokyo?")
                .withTools(new ArrayList<>(List.of(weather())));
    }

    @Test
    void nonStreamedToolRoundTripReachesTheNodeBothWays() throws Exception {
        var result = client.chat(ask().build(), null);

        assertRoundTrip(result);
    }

    @Test
    void streamedToolRoundTripReachesTheNodeBothWays() throws Exception {
        var parts = new CopyOnWriteArrayList<OllamaChatResponseModel>();
        var result = client.chat(ask().withStreaming().build(), parts::add);

        assertRoundTrip(result);
        var withCalls = parts.stream().filter(p -> p.getMessage() != null && p.getMessage().getToolCalls() != null
                && !p.getMessage().getToolCalls().isEmpty()).toList();
        assertThat(withCalls).hasSize(1);
        assertThat(withCalls.getFirst().isDone()).isFalse();
    }

    private void assertRoundTrip(OllamaChatResult result) throws Exception {
        var first = network.nextChat().json();
        assertThat(first.path("tools")).hasSize(1);
        var tool = first.path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("name").asText()).isEqualTo(TOOL);
        assertThat(tool.path("function").path("description").asText()).isEqualTo("Current weather in a city");
        var parameters = tool.path("function").path("parameters");
        assertThat(parameters.path("properties").path("city").path("type").asText()).isEqualTo("string");
        assertThat(parameters.path("required")).isEqualTo(JSON.readTree("[\"city\"]"));

        assertThat(invocations).containsExactly(Map.of("city", "Tokyo"));
        var call = result.getChatHistory().stream().filter(m -> m.getRole().getRoleName().equals("assistant"))
                .filter(m -> m.getToolCalls() != null && !m.getToolCalls().isEmpty()).findFirst().orElseThrow()
                .getToolCalls().getFirst();
        assertThat(call.getId()).startsWith("call_");
        assertThat(call.getFunction().getName()).isEqualTo(TOOL);
        assertThat(call.getFunction().getArguments()).isEqualTo(Map.of("city", "Tokyo"));

        var messages = network.nextChat().json().path("messages");
        var assistant = only(messages, "assistant").path("tool_calls").get(0).path("function");
        assertThat(assistant.path("name").asText()).isEqualTo(TOOL);
        assertThat(assistant.path("arguments")).isEqualTo(JSON.readTree(TOOL_ARGUMENTS));
        assertThat(only(messages, "tool").path("content").asText())
                .isEqualTo("[TOOL_RESULTS] " + TOOL + "(city): " + RESULT + " [/TOOL_RESULTS]");

        var answer = result.getResponseModel();
        assertThat(answer.getMessage().getResponse()).isEqualTo(TEXT);
        assertThat(answer.getMessage().getToolCalls()).isNullOrEmpty();
        assertThat(answer.getDoneReason()).isEqualTo("stop");
    }

    private static JsonNode only(JsonNode messages, String role) {
        var matching = StreamSupport.stream(messages.spliterator(), false)
                .filter(m -> role.equals(m.path("role").asText())).toList();
        assertThat(matching).as("%s messages in %s", role, messages).hasSize(1);
        return matching.getFirst();
    }
}

package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node against the testkit's protocol-faithful Ollama stand-in (thinking, tool calls, hang, failures). */
class NodeAgentStandInTest {
    private static final String QWEN = "qwen3:8b";
    private static final String LLAMA = "llama3.2:latest";

    private final StandInOllama ollama = StandInOllama.start()
            .model(StandInModel.of(QWEN)).model(StandInModel.of("llama3.2"));
    private final FakeHub hub = new FakeHub();
    private NodeAgent agent;

    @BeforeEach
    void startNode() {
        agent = new NodeAgent(new NodeConfig(URI.create(hub.httpUrl()), URI.create(ollama.baseUrl()), 2, NodeTestSupport.FAST));
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (NodeStartupException e) {
                throw new IllegalStateException(e);
            }
        });
        hub.await("register", NodeTestSupport.SOON);
    }

    @AfterEach
    void stopAll() {
        agent.stop();
        hub.close();
        ollama.close();
    }

    private List<ObjectNode> run(String id, ObjectNode params) {
        hub.sendRequest(id, params);
        hub.awaitEnd(id, NodeTestSupport.SOON);
        return hub.forRequest(id);
    }

    private static ObjectNode withTools(ObjectNode p) {
        p.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "web_search");
        return p;
    }

    @Test
    void registersTheStandInsModelsWithTheirCapabilities() {
        var models = hub.frames("register").getFirst().json().get("models");
        assertThat(models.findValuesAsText("name")).containsExactlyInAnyOrder(QWEN, LLAMA);
        assertThat(hub.frames("register").getFirst().json().get("ollama_version").textValue()).isEqualTo("0.12.6");
    }

    @Test
    void thinkingIsRelayedBeforeTheContent() {
        var frames = run("think", NodeTestSupport.chat(QWEN, "hi").put("think", true));
        var messages = frames.stream().map(f -> f.at("/chunk/message")).toList();
        assertThat(messages.getFirst().path("thinking").textValue()).isEqualTo("The user");
        assertThat(messages.getFirst().path("content").textValue()).isEmpty();
        assertThat(frames.getLast().at("/chunk/done").booleanValue()).isTrue();
        assertThat(frames.getLast().at("/chunk/eval_count").isNumber()).isTrue();
    }

    @Test
    void thinkIsLeftOutForAModelThatCannotThinkSoOllamaDoesNotRefuse() {
        // llama3.2 reports completion and tools, not thinking: the stand-in, like Ollama, answers 400 to think:true
        var frames = run("nothink", withTools(NodeTestSupport.chat(LLAMA, "hi").put("think", true)));
        assertThat(frames.getLast().at("/chunk/done").booleanValue()).isTrue();
        var sent = ollama.awaitRequest("/api/chat", NodeTestSupport.SOON).json();
        assertThat(sent.has("think")).isFalse();
        assertThat(sent.has("tools")).isTrue();
    }

    @Test
    void toolCallsInBothOllamaShapesAreRelayed() {
        for (boolean legacy : List.of(false, true)) {
            ollama.behaviour(Behaviour.defaults().withToolCalls(Behaviour.ToolCall.of("web_search", "{\"query\":\"x\"}"))
                    .withLegacyToolShape(legacy));
            var frames = run("tools-" + legacy, withTools(NodeTestSupport.chat(QWEN, "search")));
            var call = frames.getFirst().at("/chunk/message/tool_calls/0/function");
            assertThat(call.get("name").textValue()).isEqualTo("web_search");
            assertThat(call.get("arguments").get("query").textValue()).isEqualTo("x");
            assertThat(frames.getLast().at("/chunk/done").booleanValue()).isTrue();
        }
    }

    @Test
    void cancellingAHangingGenerationClosesItsConnection() throws Exception {
        ollama.behaviour(Behaviour.defaults().withHangAfter(2));
        hub.sendRequest("hang", NodeTestSupport.chat(QWEN, "hi"));
        var request = ollama.awaitRequest("/api/chat", NodeTestSupport.SOON);
        await().atMost(NodeTestSupport.SOON).until(() -> hub.forRequest("hang").size() == 2);
        hub.cancel("hang");
        request.connectionClosed().get(5, TimeUnit.SECONDS);
        await().atMost(NodeTestSupport.SOON).until(() -> ollama.openStreams() == 0);
        assertThat(hub.forRequest("hang")).hasSize(2);
    }

    @Test
    void ollamasRefusalOfTheRequestItselfIsInvalidRequestSoTheHubBlamesTheConsumer() {
        ollama.behaviour(Behaviour.defaults().withPreStreamError(400, "invalid format"));
        hub.sendRequest("format", NodeTestSupport.chat(QWEN, "hi").put("format", "yaml"));
        assertThat(Json.text(hub.awaitEnd("format", NodeTestSupport.SOON), "error")).isEqualTo("invalid_request");
        // A model the node registered but Ollama no longer has is the node's trouble, not the request's.
        ollama.behaviour(Behaviour.defaults().withPreStreamError(404, "model \"qwen3:8b\" not found, try pulling it first"));
        hub.sendRequest("gone", NodeTestSupport.chat(QWEN, "hi"));
        assertThat(Json.text(hub.awaitEnd("gone", NodeTestSupport.SOON), "error")).isEqualTo("ollama_error");
    }

    @Test
    void failuresBeforeOrDuringTheStreamEndWithOllamaError() {
        var failures = List.of(Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR),
                Behaviour.defaults().withDropAfter(2), Behaviour.defaults().busy());
        for (int i = 0; i < failures.size(); i++) {
            ollama.behaviour(failures.get(i));
            hub.sendRequest("fail" + i, NodeTestSupport.chat(QWEN, "hi"));
            assertThat(Json.text(hub.awaitEnd("fail" + i, NodeTestSupport.SOON), "error")).isEqualTo("ollama_error");
        }
    }
}

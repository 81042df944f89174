package dev.idleclaw.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;

/** Shared fixtures for node agent tests: a fake Ollama, a fake hub, and agents run with shrunken timings. */
abstract class NodeTestSupport {
    /** Generous bound for anything that should happen "soon". */
    static final Duration SOON = Duration.ofSeconds(5);
    /** Protocol timings shrunk so the suite stays fast. */
    static final NodeTimings FAST = NodeTimings.DEFAULTS
            .withHeartbeat(Duration.ofMillis(200))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
            .withDrain(Duration.ofSeconds(3))
            .withDeadLink(Duration.ofSeconds(2))
            .withHealthCache(Duration.ofMillis(50))
            .withOllamaIdle(Duration.ofSeconds(5));

    static final String QWEN = "qwen3:8b";
    static final String LLAMA = "llama3.2:3b";

    final FakeOllama ollama = FakeOllama.start()
            .model(QWEN, 5_225_387_923L, List.of("completion", "tools", "thinking"))
            .model(LLAMA, 2_019_393_189L, null);
    final FakeHub hub = new FakeHub();
    private final List<NodeAgent> agents = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopEverything() {
        agents.forEach(NodeAgent::stop);
        hub.close();
        ollama.close();
    }

    NodeConfig config(int maxConcurrent, NodeTimings timings) {
        return new NodeConfig(URI.create(hub.httpUrl()), URI.create(ollama.baseUrl()), maxConcurrent, timings);
    }

    /** Starts an agent on its own thread and waits until the hub has its registration. */
    NodeAgent startAgent(NodeConfig config) {
        var agent = new NodeAgent(config);
        agents.add(agent);
        Thread.ofVirtual().name("agent").start(() -> {
            try {
                agent.run();
            } catch (NodeStartupException e) {
                throw new IllegalStateException(e);
            }
        });
        hub.await("register", SOON);
        org.awaitility.Awaitility.await().atMost(SOON).until(() -> agent.nodeId() != null);
        return agent;
    }

    NodeAgent startAgent() {
        return startAgent(config(2, FAST));
    }

    static ObjectNode chat(String model, String content) {
        return RequestRulesTest.params(model, "user", content).put("stream", true).put("keep_alive", -1);
    }

    static String[] many(int n) {
        var pieces = new String[n];
        java.util.Arrays.fill(pieces, "tok ");
        return pieces;
    }

    /** The {@code chunk} objects sent for a request, in order. */
    List<ObjectNode> chunks(String requestId) {
        return hub.forRequest(requestId).stream().filter(j -> "inference_chunk".equals(Json.text(j, "type")))
                .map(j -> (ObjectNode) j.get("chunk")).toList();
    }

    List<ObjectNode> errors(String requestId) {
        return hub.forRequest(requestId).stream().filter(j -> "inference_error".equals(Json.text(j, "type"))).toList();
    }
}

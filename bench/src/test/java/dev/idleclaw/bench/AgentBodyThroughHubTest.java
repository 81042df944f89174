package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.bench.load.AgentBody;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadRun;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeStartupException;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S6's agent-sized requests on the real path, in this JVM: a hub, a real node agent and the stand-in Ollama. Every
 * request goes through (the hub accepts the size, routes it to the node, the node fits it into the model's context and
 * the stand-in answers), and straight at the stand-in too. Times nothing.
 */
class AgentBodyThroughHubTest {
    static final String MODEL = "llama3.2";
    static final int TOKENS = 4, REQUESTS = 12, CONSUMERS = 3;

    @TempDir
    static Path data;
    static Hub hub;
    static StandInOllama ollama;
    static NodeAgent agent;

    @BeforeAll
    static void start() throws Exception {
        hub = Hub.start(HubConfig.builder(data).apply(c -> {
            c.port = 0;
            c.chatRpm = c.wsRpm = c.defaultRpm = 1_000_000;
            c.canaryRate = 0;
        }).build());
        ollama = StandInOllama.start().model(StandInModel.of(MODEL)).behaviour(Behaviour.defaults().withTokenCount(TOKENS));
        agent = new NodeAgent(new NodeConfig(URI.create("http://127.0.0.1:" + hub.port()), URI.create(ollama.baseUrl()),
                CONSUMERS, NodeTimings.DEFAULTS));
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (NodeStartupException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (hub.registry().registered().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(hub.registry().registered()).hasSize(1);
    }

    @AfterAll
    static void stop() {
        if (agent != null) agent.stop();
        if (hub != null) hub.close();
        if (ollama != null) ollama.close();
    }

    @Test
    void agentBodiesPassTheOllamaDoor() throws Exception {
        assertAllAnswered(run(URI.create("http://127.0.0.1:" + hub.port()), Door.OLLAMA));
    }

    @Test
    void agentBodiesPassTheOpenAiDoor() throws Exception {
        assertAllAnswered(run(URI.create("http://127.0.0.1:" + hub.port()), Door.OPENAI));
    }

    @Test
    void agentBodiesPassTheStandInDirectly() throws Exception {
        assertAllAnswered(run(URI.create(ollama.baseUrl()), Door.DIRECT_OLLAMA));
    }

    private static LoadSummary run(URI url, Door door) throws InterruptedException {
        return new LoadRun(new LoadRun.Options(url, door, CONSUMERS, REQUESTS, 0, MODEL, CONSUMERS, "unused", false,
                AgentBody.DEFAULT_BYTES)).run(() -> { });
    }

    private static void assertAllAnswered(LoadSummary s) {
        assertThat(s.errors()).isEmpty();
        assertThat(s.failures()).isZero();
        assertThat(s.requests()).isEqualTo(REQUESTS);
        assertThat(s.tokens()).isEqualTo((long) REQUESTS * TOKENS);
    }
}

package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadRun;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
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
 * The harness on a tiny configuration, all in this JVM: an in-process hub, a 3-node × 2-slot fleet streaming
 * 5 tokens at 1 ms, 20 requests through each front door, and the direct runs against an in-process stand-in and sim.
 * Checks that nothing fails, tokens are counted exactly and the figures are sane; it times nothing.
 */
class HarnessSmokeTest {
    static final String MODEL = "llama3.2";
    static final int NODES = 3, SLOTS = 2, TOKENS = 5, REQUESTS = 20, CONSUMERS = 4;

    @TempDir
    static Path data;
    static Hub hub;
    static Fleet fleet;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        hub = Hub.start(HubConfig.builder(data).apply(c -> {
            c.port = 0;
            c.chatRpm = c.wsRpm = c.defaultRpm = 1_000_000;
            c.maxNodesPerIp = c.maxChatsPerIp = 1_000;
            c.maxConnectionsPerIp = 100_000;
            c.canaryRate = 0;
        }).build());
        base = URI.create("http://127.0.0.1:" + hub.port());
        fleet = new Fleet(new Fleet.Options(URI.create("ws://127.0.0.1:" + hub.port() + "/ws/node"), NODES, SLOTS, TOKENS, 1, MODEL, 15, 0));
        fleet.connectAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((hub.registry().registered().size() < NODES || fleet.status().registered() < NODES) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(hub.registry().registered()).hasSize(NODES);
        assertThat(fleet.status().registered()).isEqualTo(NODES);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) fleet.close();
        if (hub != null) hub.close();
    }

    @Test
    void idleClawDoor() throws Exception {
        assertSane(run(base, Door.IDLECLAW));
    }

    @Test
    void ollamaDoor() throws Exception {
        assertSane(run(base, Door.OLLAMA));
    }

    @Test
    void openAiDoor() throws Exception {
        assertSane(run(base, Door.OPENAI));
    }

    @Test
    void theJdkClientSeesTheSameAnswers() throws Exception {
        assertSane(run(base, Door.IDLECLAW, true));
        assertSane(run(base, Door.OPENAI, true));
    }

    @Test
    void directAgainstTheStandIn() throws Exception {
        try (var ollama = StandInOllama.start().model(StandInModel.of(MODEL))
                .behaviour(Behaviour.defaults().withTokenCount(TOKENS).withDelayPerToken(Duration.ofMillis(1)))) {
            assertSane(run(URI.create(ollama.baseUrl()), Door.DIRECT_OLLAMA));
        }
    }

    @Test
    void directAgainstTheSim() throws Exception {
        try (var sim = dev.idleclaw.bench.sim.SimServer.start(0, MODEL, TOKENS, 1)) {
            assertSane(run(URI.create(sim.baseUrl()), Door.DIRECT_OLLAMA));
            assertSane(run(URI.create(sim.baseUrl()), Door.DIRECT_OLLAMA, true));
        }
    }

    @Test
    void aFixedDurationRunCountsWhatFinished() throws Exception {
        var s = new LoadRun(new LoadRun.Options(base, Door.OLLAMA, 2, 0, 0.3, MODEL, 0, "hi", false, 0)).run(() -> { });
        assertThat(s.failures()).isZero();
        assertThat(s.requests()).isPositive();
        assertThat(s.tokens()).isEqualTo(s.requests() * TOKENS);
        assertThat(s.seconds()).isGreaterThanOrEqualTo(0.3);
    }

    @Test
    void anUnknownModelIsCountedAsAFailureWithItsStatus() throws Exception {
        var s = new LoadRun(new LoadRun.Options(base, Door.OPENAI, 1, 3, 0, "no-such-model", 0, "hi", false, 0)).run(() -> { });
        assertThat(s.failures()).isEqualTo(3);
        assertThat(s.errors().keySet()).allMatch(k -> k.startsWith("HTTP 404"));
    }

    private static LoadSummary run(URI url, Door door) throws InterruptedException {
        return run(url, door, false);
    }

    private static LoadSummary run(URI url, Door door, boolean jdkClient) throws InterruptedException {
        var marks = new int[1];
        var s = new LoadRun(new LoadRun.Options(url, door, CONSUMERS, REQUESTS, 0, MODEL, CONSUMERS, "Say something.", jdkClient, 0))
                .run(() -> marks[0]++);
        assertThat(marks[0]).as("measure mark").isEqualTo(1);
        return s;
    }

    private static void assertSane(LoadSummary s) {
        assertThat(s.errors()).isEmpty();
        assertThat(s.failures()).isZero();
        assertThat(s.requests()).isEqualTo(REQUESTS);
        assertThat(s.tokens()).isEqualTo((long) REQUESTS * TOKENS);
        assertThat(s.ttft().count()).isEqualTo(REQUESTS);
        assertThat(s.ttft().p50()).isPositive().isLessThanOrEqualTo(s.ttft().p99());
        assertThat(s.ttft().p99()).isLessThanOrEqualTo(s.ttft().max());
        assertThat(s.total().p50()).isGreaterThanOrEqualTo(s.ttft().p50()).isLessThanOrEqualTo(s.total().max());
        assertThat(s.requestsPerSecond()).isPositive();
        assertThat(s.windowTokens()).isPositive();
        assertThat(s.tokensPerSecond()).isCloseTo(s.windowTokens() / s.seconds(), org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(s.cpuSeconds()).isGreaterThanOrEqualTo(0);
        var table = s.addTo(LoadSummary.table("door"), s.door()).toString();
        assertThat(table).contains("ttft p50", "total p50", s.door());
        assertThat(Json.read(Json.write(s), LoadSummary.class)).isEqualTo(s);
    }
}

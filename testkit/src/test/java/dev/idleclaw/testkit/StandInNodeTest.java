package dev.idleclaw.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsHandlerType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the stand-in node puts on the wire, seen by a bare WebSocket server in the hub's place. */
class StandInNodeTest {
    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<WsContext> session = new CompletableFuture<>();
    private volatile String registerReply = "{\"type\":\"registered\"}";
    private Javalin hub;

    @BeforeEach
    void start() {
        hub = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.routes.addWsHandler(WsHandlerType.WEBSOCKET, "/ws/node", ws -> {
                ws.onConnect(session::complete);
                ws.onMessage(ctx -> {
                    frames.add(ctx.message());
                    if (ctx.message().startsWith("{\"type\":\"register\"")) ctx.send(registerReply);
                });
            });
        }).start(0);
    }

    @AfterEach
    void stop() {
        hub.stop();
    }

    private String frame() throws InterruptedException {
        String f = frames.poll(10, TimeUnit.SECONDS);
        assertThat(f).as("a frame from the node").isNotNull();
        return f;
    }

    @Test
    void registersPlainModelsLargestFirstAsAnOriginalNodeDoes() throws Exception {
        try (var node = StandInNode.connect(hub.port())) {
            node.register("n1", 2, "big:1b", "small:1b");
            assertThat(frame()).isEqualTo("{\"type\":\"register\",\"node_id\":\"n1\",\"models\":[{\"name\":\"big:1b\",\"size\":2000},"
                    + "{\"name\":\"small:1b\",\"size\":1000}],\"max_concurrent\":2,\"ollama_version\":\"0.12.6\"}");
            assertThat(node.nodeId()).isEqualTo("n1");
            assertThat(node.label()).matches("node-[0-9a-f]{12}");
        }
    }

    @Test
    void registersAuthFeaturesAndLimitsInTheNodeAgentsOrder() throws Exception {
        var json = new ObjectMapper();
        var registration = NodeRegistration.of(1, NodeRegistration.model("m", 5, "completion", "tools").put("context_length", 8192))
                .withNodeId("n2").withLimits(json.createObjectNode().put("max_messages", 3)).withFeatures("embed")
                .withAuth(json.createObjectNode().put("pubkey", "pk").put("timestamp", 1).put("signature", "sig"));
        try (var node = StandInNode.registered(hub.port(), registration)) {
            assertThat(frame()).isEqualTo("{\"type\":\"register\",\"node_id\":\"n2\",\"models\":[{\"name\":\"m\",\"size\":5,"
                    + "\"capabilities\":[\"completion\",\"tools\"],\"context_length\":8192}],\"max_concurrent\":1,\"ollama_version\":\"0.12.6\","
                    + "\"auth\":{\"pubkey\":\"pk\",\"timestamp\":1,\"signature\":\"sig\"},\"features\":[\"embed\"],\"limits\":{\"max_messages\":3}}");
        }
    }

    @Test
    void registrationFailsWhenTheHubAnswersAnythingButRegistered() {
        registerReply = "{\"type\":\"error\",\"error\":\"no\"}";
        assertThatThrownBy(() -> StandInNode.registered(hub.port(), 1, "m")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected registered");
    }

    @Test
    void answersEachInferenceRequestWithNativeOllamaChunksThenTheFinalOne() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 1, "m").servingWithMetrics(List.of("Hel", "lo"))) {
            frame();
            session.get(10, TimeUnit.SECONDS).send("{\"type\":\"inference_request\",\"request_id\":\"r1\",\"ollama_params\":{}}");
            assertThat(List.of(frame(), frame(), frame())).containsExactly(
                    "{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}}",
                    "{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}}",
                    "{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                            + "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":182242375,\"load_duration\":41295167,"
                            + "\"prompt_eval_count\":26,\"prompt_eval_duration\":24573166,\"eval_count\":3,\"eval_duration\":115959084}}");
            assertThat(node.nextOfType("inference_request").path("request_id").asText()).isEqualTo("r1");
        }
    }

    @Test
    void sendsHeartbeatsToolCallsThinkingAndErrorsInTheProtocolsShape() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 1, "m")) {
            frame();
            node.heartbeat();
            node.thinking("r", "hmm");
            node.toolCalls("r", "[{\"function\":{\"name\":\"f\",\"arguments\":{}}}]");
            node.done("r");
            node.error("r", "ollama_error");
            assertThat(frame()).isEqualTo("{\"type\":\"heartbeat\",\"node_id\":\"" + node.nodeId() + "\",\"active_requests\":0,\"available\":true}");
            assertThat(frame()).isEqualTo("{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}}");
            assertThat(frame()).isEqualTo("{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{}}}]},\"done\":false}}");
            assertThat(frame()).isEqualTo("{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}}");
            assertThat(frame()).isEqualTo("{\"type\":\"inference_error\",\"request_id\":\"r\",\"error\":\"ollama_error\"}");
        }
    }

    @Test
    void recordsTextThatIsNotJsonAndHowTheHubClosedTheLink() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 1, "m")) {
            var ws = session.get(10, TimeUnit.SECONDS);
            ws.send("not json");
            assertThat(node.next().toString()).isEqualTo("{\"type\":\"unparseable\",\"text\":\"not json\"}");
            assertThat(node.closed()).isNotDone();
            ws.closeSession(1008, "go away");
            assertThat(node.awaitClose()).isEqualTo(new StandInNode.Close(1008, "go away"));
        }
    }
}

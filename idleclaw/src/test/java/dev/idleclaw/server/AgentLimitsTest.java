package dev.idleclaw.server;

import static dev.idleclaw.server.HubTestSupport.json;
import static dev.idleclaw.server.HubTestSupport.link;
import static dev.idleclaw.server.HubTestSupport.model;
import static dev.idleclaw.server.HubTestSupport.registerRaw;
import static dev.idleclaw.server.HubTestSupport.registerWithLimits;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agent-sized requests (issue 12 §1): the doors take them, the hub sends each only to a node whose advertised limits
 * and context window accept it, original nodes (which advertise nothing) get only what the original accepts, and
 * when no node accepts a request the consumer gets a 400 in the door's shape saying why — never a queue timeout,
 * never a node's fault.
 */
class AgentLimitsTest {
    private static final String MODEL = "llama3.2:3b";
    /** Served only by an original node. */
    private static final String OLD_MODEL = "old:1b";
    /** Served only by a node whose model has a small context window. */
    private static final String SMALL_MODEL = "small:1b";
    private static final int SMALL_CONTEXT = 8_192;

    private static HubFixture hub;
    private static StandInNode original;
    private static StandInNode agentNode;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start(b -> b.maxMessages = 300);
        original = registerRaw(hub.port(), "original", 2, model(MODEL, 1), model(OLD_MODEL, 1, "completion", "tools"))
                .serving(List.of("from-original"));
        var limits = Json.object().put("max_messages", 1000).put("max_message_chars", 4_000_000).put("max_request_bytes", 16 << 20);
        agentNode = registerWithLimits(hub.port(), "agent", 2, limits, model(MODEL, 1).put("context_length", 131_072),
                model(SMALL_MODEL, 1, "completion", "tools").put("context_length", SMALL_CONTEXT)).serving(List.of("from-agent-node"));
    }

    @AfterAll
    static void stop() {
        if (agentNode != null) agentNode.close();
        if (original != null) original.close();
        if (hub != null) hub.close();
    }

    /** A turn the size of an agent's: a 25,000-character system prompt, 20 tools and {@code messages} messages in all. */
    static ObjectNode agentTurn(String model, int messages) {
        var body = Json.object().put("model", model).put("stream", false);
        ArrayNode msgs = body.putArray("messages");
        msgs.addObject().put("role", "system").put("content", "You are a careful agent. ".repeat(1_000));
        for (int i = 1; i < messages; i++) {
            msgs.addObject().put("role", i % 2 == 1 ? "user" : "assistant").put("content", "step " + i + " of the task");
        }
        ArrayNode tools = body.putArray("tools");
        for (int i = 0; i < 20; i++) {
            var fn = tools.addObject().put("type", "function").putObject("function").put("name", "tool_" + i)
                    .put("description", "Tool number " + i + " of the agent's toolbox.");
            fn.putObject("parameters").put("type", "object").putObject("properties").putObject("path").put("type", "string");
        }
        return body;
    }

    private static HttpResponse<String> post(String path, JsonNode body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(hub.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        return hub.http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static long requestsSeenBy(StandInNode node) {
        return node.received().stream().filter(m -> "inference_request".equals(m.path("type").asText())).count();
    }

    @Test
    void anAgentSizedTurnGoesToTheNodeThatAdvertisedAgentLimitsOnEveryDoor() throws Exception {
        long before = requestsSeenBy(original);
        var ollama = post("/api/chat", agentTurn(MODEL, 120));
        assertThat(ollama.statusCode()).as(ollama.body()).isEqualTo(200);
        assertThat(json(ollama).at("/message/content").asText()).isEqualTo("from-agent-node");

        var openAi = post("/v1/chat/completions", agentTurn(MODEL, 120));
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        assertThat(json(openAi).at("/choices/0/message/content").asText()).isEqualTo("from-agent-node");
        assertThat(requestsSeenBy(original)).isEqualTo(before);
    }

    @Test
    void smallRequestsStillReachOriginalNodes() throws Exception {
        var res = post("/api/chat", Json.parse("{\"model\":\"" + OLD_MODEL + "\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res).at("/message/content").asText()).isEqualTo("from-original");
    }

    @Test
    void aRequestOnlyOriginalNodesServeIsRefusedWithTheLimitNamedAndNoNodeBlamed() throws Exception {
        long before = requestsSeenBy(original);
        double reputation = hub.hub.scheduler().reputation(link(hub, original));
        var ollama = post("/api/chat", agentTurn(OLD_MODEL, 120));
        assertThat(ollama.statusCode()).isEqualTo(400);
        assertThat(json(ollama).path("error").asText())
                .isEqualTo("no node serving old:1b accepts this request: 120 messages (nodes accept at most 50)");

        var openAi = post("/v1/chat/completions", agentTurn(OLD_MODEL, 10));
        assertThat(openAi.statusCode()).isEqualTo(400);
        assertThat(json(openAi).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(openAi).at("/error/message").asText())
                .isEqualTo("no node serving old:1b accepts this request: a message of 25000 characters (nodes accept at most 10000 per message)");

        var anthropic = post("/v1/messages", Json.parse("{\"model\":\"" + OLD_MODEL + "\",\"max_tokens\":50,"
                + "\"system\":\"" + "x".repeat(10_001) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(json(anthropic).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(anthropic).at("/error/message").asText()).startsWith("no node serving old:1b accepts this request");

        assertThat(requestsSeenBy(original)).isEqualTo(before);
        assertThat(hub.hub.scheduler().reputation(link(hub, original))).isEqualTo(reputation);
    }

    @Test
    void aPromptBeyondEveryServingNodesContextWindowIsRefusedNamingTheWindow() throws Exception {
        var body = agentTurn(SMALL_MODEL, 2);
        ((ObjectNode) body.withArray("messages").get(1)).put("content", "word ".repeat(10_000));
        var res = post("/api/chat", body);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res).path("error").asText()).startsWith("no node serving small:1b accepts this request: a prompt of about ")
                .endsWith("tokens (the model's context window is 8192 tokens)");
        assertThat(post("/api/chat", agentTurn(SMALL_MODEL, 4)).statusCode()).isEqualTo(200);
    }

    @Test
    void moreMessagesThanTheHubAcceptsIsRefusedNamingTheOption() throws Exception {
        var res = post("/v1/chat/completions", agentTurn(MODEL, 301));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res).at("/error/message").asText())
                .isEqualTo("too many messages: 301 (this hub accepts at most 300 per request; its operator sets --max-messages)");
        assertThat(post("/v1/chat/completions", agentTurn(MODEL, 300)).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheHubsLimitIs413NamingTheOptionInTheDoorsShape() throws Exception {
        var body = agentTurn(MODEL, 2);
        ((ObjectNode) body.withArray("messages").get(1)).put("content", "x".repeat((int) Listen.DEFAULT_MAX_BODY_BYTES));
        var res = post("/v1/chat/completions", body);
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(json(res).at("/error/message").asText()).isEqualTo("Content Too Large: this hub accepts request bodies of at "
                + "most 8388608 bytes (its operator sets --max-body-bytes)");
        assertThat(post("/api/chat", agentTurn(MODEL, 2)).statusCode()).isEqualTo(200);
    }

    @Test
    void theIdleClawDoorKeepsTheOriginalLimits() throws Exception {
        var res = post("/api/chat", Json.parse("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(10_001) + "\"}]}"));
        assertThat(res.statusCode()).isEqualTo(422);
    }

    @Test
    void theIdleClawDoorTellsInBandWhenNoNodeAcceptsARequestWithinItsOwnLimits() throws Exception {
        // Five messages of 10,000 characters pass the door (100,000 in all) but not small:1b's 8,192-token window.
        var body = Json.object().put("model", SMALL_MODEL);
        for (int i = 0; i < 5; i++) body.withArray("messages").addObject().put("role", "user").put("content", "y".repeat(10_000));
        var req = java.net.http.HttpRequest.newBuilder(URI.create(hub.url("/api/chat"))).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        var res = hub.http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(Sse.parse(res.body()).data()).anySatisfy(d -> assertThat(d)
                .contains("no node serving small:1b accepts this request: a prompt of about ").contains("(the model's context window is 8192 tokens)"));
    }

    @Test
    void aNodeAdvertisingLimitsItCannotHonourIsRefusedAtRegistration() throws Exception {
        var node = StandInNode.connect(hub.port());
        var reg = Json.object().put("type", "register").put("node_id", UUID.randomUUID().toString());
        reg.putArray("models").add(model(MODEL, 1));
        reg.putObject("limits").put("max_request_bytes", 10);
        node.send(reg);
        assertThat(node.closed().get(10, java.util.concurrent.TimeUnit.SECONDS).code()).isEqualTo(1008);
    }
}

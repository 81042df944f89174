package dev.idleclaw.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule that picks the dialect of {@code POST /api/chat} (design.md, "/api/chat serves two dialects"). */
class DialectTest {
    static final String SSE = "text/event-stream; charset=utf-8", NDJSON = "application/x-ndjson";
    static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static HubFixture hub;
    static StandInNode node;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start(c -> c.ollamaPort = 0);
        node = StandInNode.registered(hub.port(), 50, "llama3.2:3b").servingWithMetrics(List.of("Hel", "lo"));
    }

    @AfterAll
    static void stop() {
        node.close();
        hub.close();
    }

    static String type(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Bodies.type(res.headers());
    }

    static void assertIdleClaw(HttpResponse<String> res) {
        assertThat(type(res)).isEqualTo(Bodies.type(SSE));
        assertThat(res.body()).startsWith("data: {\"id\":\"chatcmpl-").endsWith("data: [DONE]\r\n\r\n");
    }

    static void assertOllama(HttpResponse<String> res) {
        assertThat(type(res)).isEqualTo(NDJSON);
        List<String> lines = Bodies.ndjson(res.body());
        assertThat(lines).hasSize(3);
        assertThat(Bodies.json(lines.getLast()).path("done").asBoolean()).isTrue();
    }

    @Test
    void aBareBodyGetsIdleClawSse() throws Exception {
        assertIdleClaw(hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}"));
        assertIdleClaw(hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"think\":false}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"stream\":true", "\"stream\":false", "\"options\":{\"temperature\":0.1}", "\"format\":\"json\"",
            "\"keep_alive\":\"5m\"", "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]"})
    void anOllamaOnlyKeyGetsOllama(String extra) throws Exception {
        var res = hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "," + extra + "}");
        if (extra.equals("\"stream\":false")) {
            assertThat(type(res)).isEqualTo(Bodies.type("application/json; charset=utf-8"));
            assertThat(Bodies.json(res.body()).path("message").path("content").asText()).isEqualTo("Hello");
        } else {
            assertOllama(res);
        }
    }

    @Test
    void messageImagesGetOllama() throws Exception {
        assertOllama(hub.post("/api/chat", "{\"model\":\"llama3.2:3b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"images\":[\"aGk=\"]}]}"));
    }

    @Test
    void acceptHeadersDecideBeforeTheBody() throws Exception {
        assertOllama(hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}", "Accept", "application/x-ndjson"));
        assertIdleClaw(hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"stream\":true,\"options\":{}}",
                "Accept", "text/event-stream"));
    }

    @Test
    void theOllamaListenerAlwaysAnswersOllama() throws Exception {
        int ollama = hub.hub.ollamaPort();
        assertThat(ollama).isPositive().isNotEqualTo(hub.port());
        assertOllama(hub.send(ollama, "POST", "/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}"));
        assertOllama(hub.send(ollama, "POST", "/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}", "Accept", "text/event-stream"));
        var bad = hub.send(ollama, "POST", "/api/chat", "");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"error\":\"missing request body\"}");
    }

    @Test
    void aPinnedDialectIgnoresTheRule() throws Exception {
        try (var ollama = HubFixture.start(c -> c.chatDialect = ChatDialect.Mode.OLLAMA);
             var idle = HubFixture.start(c -> c.chatDialect = ChatDialect.Mode.IDLECLAW);
             var n1 = StandInNode.registered(ollama.port(), 5, "llama3.2:3b").servingWithMetrics(List.of("Hel", "lo"));
             var n2 = StandInNode.registered(idle.port(), 5, "llama3.2:3b").servingWithMetrics(List.of("Hel", "lo"))) {
            assertOllama(ollama.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}"));
            assertOllama(ollama.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}", "Accept", "text/event-stream"));
            assertIdleClaw(idle.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"stream\":true,\"options\":{}}"));
            assertIdleClaw(idle.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}", "Accept", "application/x-ndjson"));
        }
    }
}

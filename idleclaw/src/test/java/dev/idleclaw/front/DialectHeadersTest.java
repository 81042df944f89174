package dev.idleclaw.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code X-Request-Id} on every answer of every door; {@code X-IdleClaw-Node} on every successful chat answer. */
class DialectHeadersTest {
    static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void everyAnswerHasItsOwnRequestIdAndChatAnswersNameTheNode() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 10, "llama3.2:3b").servingWithMetrics(List.of("Hi"))) {
            List<HttpResponse<String>> chats = List.of(
                    hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + "}"),
                    hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"stream\":true}"),
                    hub.post("/api/chat", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"stream\":false}"),
                    hub.post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\"}"),
                    hub.post("/api/generate", "{\"model\":\"llama3.2:3b\",\"prompt\":\"hi\",\"stream\":false}"),
                    hub.post("/v1/chat/completions", "{\"model\":\"llama3.2:3b\"," + MSG + "}"),
                    hub.post("/v1/chat/completions", "{\"model\":\"llama3.2:3b\"," + MSG + ",\"stream\":true}"));
            for (var res : chats) {
                assertThat(res.statusCode()).as(res.uri() + " " + res.body()).isEqualTo(200);
                assertThat(res.headers().firstValue("X-IdleClaw-Node")).as(res.uri().toString()).hasValue(node.label());
            }
            assertThat(node.label()).matches("node-[0-9a-f]{12}");
            List<HttpResponse<String>> all = new ArrayList<>(chats);
            all.add(hub.get("/"));
            all.add(hub.get("/api/tags"));
            all.add(hub.get("/v1/models"));
            all.add(hub.get("/no/such/path"));
            all.add(hub.post("/api/chat", "{\"model\":\"nope\"," + MSG + ",\"stream\":true}"));
            all.add(hub.post("/v1/chat/completions", "{\"model\":\"nope\"," + MSG + "}"));
            all.add(hub.post("/api/show", "{\"model\":\"nope\"}"));
            var ids = new HashSet<String>();
            for (var res : all) {
                String id = res.headers().firstValue("X-Request-Id").orElse("");
                assertThat(id).as(res.uri().toString()).isNotBlank();
                ids.add(id);
            }
            assertThat(ids).hasSize(all.size());
            for (var res : all.subList(chats.size(), all.size())) assertThat(res.headers().firstValue("X-IdleClaw-Node")).isEmpty();
        }
    }
}

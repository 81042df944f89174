package dev.idleclaw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutesTest extends StandInTestBase {
    private static final String H2C_HEADERS = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Type: application/json\r\n";

    @Test
    void rootSaysOllamaIsRunningInPlainText() {
        var response = client.get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Ollama is running");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void headRootAnswersHeadersWithoutBody() throws Exception {
        var raw = RawHttp.exchange(ollama.port(), "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(raw.header("Content-Length")).isEqualTo("17");
        assertThat(raw.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(client.head("/").body()).isEmpty();
    }

    @Test
    void versionIsReportedAndConfigurable() {
        var response = client.get("/api/version");
        assertThat(response.body()).isEqualTo("{\"version\":\"0.12.6\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        ollama.version("0.13.1");
        assertThat(client.get("/api/version").body()).isEqualTo("{\"version\":\"0.13.1\"}");
        assertThat(client.head("/api/version").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathIsPlainText404() {
        for (var method : new String[] {"GET", "POST", "DELETE"}) {
            var response = client.send(method, "/api/pull/nothing", method.equals("GET") ? null : "{}");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("404 page not found");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        }
    }

    @Test
    void wrongMethodOnKnownPathIsPlainText405() {
        for (var call : new String[][] {{"GET", "/api/chat"}, {"POST", "/api/tags"}, {"DELETE", "/"},
                {"GET", "/api/show"}, {"HEAD", "/api/ps"}}) {
            var response = client.send(call[0], call[1], null);
            assertThat(response.statusCode()).as(call[0] + " " + call[1]).isEqualTo(405);
            if (!call[0].equals("HEAD")) assertThat(response.body()).isEqualTo("405 method not allowed");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        }
    }

    @Test
    void h2cUpgradeOnGetIsIgnoredAndAnsweredInHttp11() throws Exception {
        var raw = RawHttp.exchange(ollama.port(),
                "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n" + H2C_HEADERS + "Content-Length: 0\r\n\r\n");
        assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(raw.header("Upgrade")).isNull();
        assertThat(Client.json(raw.body()).path("models").get(0).path("name").asText()).isEqualTo("llama3.2:latest");
    }

    @Test
    void h2cUpgradeOnPostIsIgnoredAndAnsweredInHttp11() throws Exception {
        var body = "{\"model\":\"llama3.2\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var raw = RawHttp.exchange(ollama.port(), "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n" + H2C_HEADERS
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(raw.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(raw.header("Upgrade")).isNull();
        assertThat(raw.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(Client.json(raw.body()).path("message").path("content").asText())
                .isEqualTo("Hello from the stand-in.");
    }

    @Test
    void streamedReplyIsChunkedWithOneJsonLinePerChunk() throws Exception {
        ollama.behaviour(Behaviour.defaults().withDelayPerToken(java.time.Duration.ofMillis(5)));
        var body = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var raw = RawHttp.exchange(ollama.port(), "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n" + H2C_HEADERS
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(raw.header("Content-Type")).isEqualTo("application/x-ndjson");
        assertThat(raw.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(raw.chunks()).hasSize(6).allSatisfy(chunk -> {
            assertThat(chunk).endsWith("\n").doesNotContain(" \"").hasLineCount(1);
            Client.json(chunk);
        });
    }
}

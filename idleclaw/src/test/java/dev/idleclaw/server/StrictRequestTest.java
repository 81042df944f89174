package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies the hub refuses before any work: a declared size over the limit (before inviting the body with
 * {@code 100 Continue}), trailing bytes after the JSON value, malformed UTF-8, and an Ollama {@code stream} that is
 * not a boolean. Each in the answering door's dialect.
 */
@Timeout(30)
class StrictRequestTest {
    static HubFixture hub;
    static StandInNode node;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start();
        node = StandInNode.registered(hub.port(), 4, "m:1").serving(List.of("ok"));
    }

    @AfterAll
    static void stop() {
        node.close();
        hub.close();
    }

    static HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(hub.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) b.headers(headers);
        return hub.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] bytes(String... parts) {
        var out = new ByteArrayOutputStream();
        for (String p : parts) out.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Reads the answer's status line and headers (up to the blank line), lower-cased. */
    static String head(InputStream in) throws Exception {
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n\r\n")) break;
        }
        return sb.toString().toLowerCase(java.util.Locale.ROOT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/chat", "/api/generate", "/v1/chat/completions", "/balance"})
    void anOversizedContentLengthIs413BeforeAny100Continue(String path) throws Exception {
        try (var s = new Socket("127.0.0.1", hub.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String head = head(s.getInputStream());
            assertThat(head).startsWith("http/1.1 413 ");
            assertThat(head).contains("\r\nconnection: close\r\n");
        }
        assertThat(hub.chat(HubFixture.ask("m:1", "still fine")).statusCode()).isEqualTo(200);
    }

    @Test
    void trailingBytesAfterTheJsonValueAreRefusedInEachDialect() throws Exception {
        String chat = "{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        var idleClaw = post("/api/chat", bytes(chat, "} garbage"));
        assertThat(idleClaw.statusCode()).isEqualTo(422);
        assertThat(Json.parse(idleClaw.body()).path("detail").path(0).path("type").asText()).isEqualTo("json_invalid");

        var ollama = post("/api/chat", bytes(chat, ",\"stream\":false} {\"x\":1}"));
        assertThat(ollama.statusCode()).isEqualTo(400);
        assertThat(ollama.body()).isEqualTo("{\"error\":\"invalid character '{' after top-level value\"}");

        var openAi = post("/v1/chat/completions", bytes(chat, "}]"));
        assertThat(openAi.statusCode()).isEqualTo(400);
        assertThat(Json.parse(openAi.body()).path("error").path("message").asText()).isEqualTo("invalid character ']' after top-level value");

        assertThat(post("/api/chat", bytes(chat, "}\r\n \t")).statusCode()).as("trailing whitespace is fine").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00c0\u00af", "\u00e0\u0080\u00af", "\u00ed\u00a0\u0080", "\u00ff", "\u00c3"})
    void malformedUtf8IsRefusedInEachDialect(String bad) throws Exception {
        // Latin-1 code points stand for raw bytes: overlong '/', overlong 3-byte '/', an encoded surrogate, 0xFF, a cut sequence
        String before = "{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"a";
        String after = "b\"}]";
        var idleClaw = post("/api/chat", bytes(before, bad, after, "}"));
        assertThat(idleClaw.statusCode()).isEqualTo(422);
        assertThat(Json.parse(idleClaw.body()).path("detail").path(0).path("type").asText()).isEqualTo("json_invalid");

        String prompt = "{\"model\":\"m:1\",\"stream\":false,\"prompt\":\"a";
        var ollama = post("/api/generate", bytes(prompt, bad, "b\"}"));
        assertThat(ollama.statusCode()).isEqualTo(400);
        assertThat(Json.parse(ollama.body()).path("error").asText()).isEqualTo("invalid JSON body");

        var openAi = post("/v1/chat/completions", bytes(before, bad, after, "}"));
        assertThat(openAi.statusCode()).isEqualTo(400);
        assertThat(Json.parse(openAi.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void anOllamaStreamThatIsNotABooleanIsGosDecoderError() throws Exception {
        String chat = "{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":";
        var yes = post("/api/chat", bytes(chat, "\"yes\"}"));
        assertThat(yes.statusCode()).isEqualTo(400);
        assertThat(yes.body()).isEqualTo("{\"error\":\"json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool\"}");
        var one = post("/api/generate", bytes("{\"model\":\"m:1\",\"prompt\":\"hi\",\"stream\":1}"));
        assertThat(one.statusCode()).isEqualTo(400);
        assertThat(one.body()).isEqualTo("{\"error\":\"json: cannot unmarshal number into Go struct field GenerateRequest.stream of type bool\"}");
        assertThat(post("/api/chat", bytes(chat, "false}")).statusCode()).isEqualTo(200);
        assertThat(post("/api/chat", bytes(chat, "null}")).statusCode()).isEqualTo(200);
    }
}

package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.assertHealthy;
import static dev.idleclaw.server.HubTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HubValidationTest {
    /** HubRoutes.MAX_BODY_BYTES: the hub's request size limit. */
    private static final long CHUNKED_LIMIT_BYTES = 512 * 1024;
    private static final String TOO_LARGE = "Content Too Large: this hub accepts request bodies of at most 524288 bytes "
            + "(its operator sets --max-body-bytes)";
    static HubFixture hub;
    static StandInNode node;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start(c -> {
            c.contentDenyPatterns = List.of("forbidden\\s+words");
            c.maxBodyBytes = CHUNKED_LIMIT_BYTES; // the smallest --max-body-bytes allowed, to keep these bodies small
        });
        node = StandInNode.registered(hub.port(), 4, "m:1").serving(List.of("ok"));
    }

    @AfterAll
    static void stop() {
        node.close();
        hub.close();
    }

    private static String msgs(String... roleContent) {
        var sb = new StringBuilder("[");
        for (int i = 0; i < roleContent.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append("{\"role\":").append(Json.quote(roleContent[i])).append(",\"content\":").append(Json.quote(roleContent[i + 1])).append('}');
        }
        return sb.append(']').toString();
    }

    private static String many(int n, String content) {
        String[] rc = new String[n * 2];
        for (int i = 0; i < n; i++) {
            rc[2 * i] = i % 2 == 0 ? "user" : "assistant";
            rc[2 * i + 1] = content;
        }
        return msgs(rc);
    }

    /** Posts {@code body}, expects 422 with exactly one error entry, and returns it. */
    private static JsonNode single422(String body) throws Exception {
        var res = hub.chat(body);
        assertThat(res.statusCode()).as(body.length() > 300 ? body.substring(0, 300) : body).isEqualTo(422);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode detail = json(res).path("detail");
        assertThat(detail.isArray()).isTrue();
        assertThat(detail).hasSize(1);
        return detail.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            malformed json       | {"model":                                        | json_invalid          | ["body",0]                      | JSON decode error
            not an object        | [1,2]                                            | model_attributes_type | ["body"]                        | Input should be a valid dictionary or object to extract fields from
            string body          | "hello"                                          | model_attributes_type | ["body"]                        | Input should be a valid dictionary or object to extract fields from
            missing model        | {"messages":[{"role":"user","content":"x"}]}     | missing               | ["body","model"]                | Field required
            model not a string   | {"model":5,"messages":[{"role":"user","content":"x"}]} | string_type     | ["body","model"]                | Input should be a valid string
            model empty          | {"model":"","messages":[{"role":"user","content":"x"}]} | string_too_short | ["body","model"]               | String should have at least 1 character
            missing messages     | {"model":"m:1"}                                  | missing               | ["body","messages"]             | Field required
            messages not a list  | {"model":"m:1","messages":"hi"}                  | list_type             | ["body","messages"]             | Input should be a valid list
            messages empty       | {"model":"m:1","messages":[]}                    | too_short             | ["body","messages"]             | List should have at least 1 item after validation, not 0
            message not object   | {"model":"m:1","messages":["hi"]}                | model_attributes_type | ["body","messages",0]           | Input should be a valid dictionary or object to extract fields from
            role missing         | {"model":"m:1","messages":[{"content":"x"}]}     | missing               | ["body","messages",0,"role"]    | Field required
            role system          | {"model":"m:1","messages":[{"role":"system","content":"x"}]} | literal_error | ["body","messages",0,"role"] | Input should be 'user' or 'assistant'
            role tool            | {"model":"m:1","messages":[{"role":"user","content":"a"},{"role":"tool","content":"x"}]} | literal_error | ["body","messages",1,"role"] | Input should be 'user' or 'assistant'
            content missing      | {"model":"m:1","messages":[{"role":"user"}]}     | missing               | ["body","messages",0,"content"] | Field required
            content empty        | {"model":"m:1","messages":[{"role":"user","content":""}]} | string_too_short | ["body","messages",0,"content"] | String should have at least 1 character
            content not string   | {"model":"m:1","messages":[{"role":"user","content":["x"]}]} | string_type | ["body","messages",0,"content"] | Input should be a valid string
            think not a bool     | {"model":"m:1","messages":[{"role":"user","content":"x"}],"think":"maybe"} | bool_parsing | ["body","think"] | Input should be a valid boolean, unable to interpret input
            think an object      | {"model":"m:1","messages":[{"role":"user","content":"x"}],"think":{}} | bool_type | ["body","think"]     | Input should be a valid boolean
            """)
    void rejectsSchemaErrorsInFastApiShape(String why, String body, String type, String loc, String msg) throws Exception {
        JsonNode e = single422(body);
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.path("loc").toString()).isEqualTo(loc);
        assertThat(e.path("msg").asText()).isEqualTo(msg);
        assertThat(e.has("input")).isTrue();
    }

    @Test
    void emptyBodyIsAMissingBody() throws Exception {
        JsonNode e = single422("");
        // FastAPI: an empty body is not parsed as JSON; the required body is missing.
        assertThat(e.toString()).isEqualTo("{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}");
    }

    @Test
    void reportsLengthLimitsWithContext() throws Exception {
        JsonNode model = single422("{\"model\":\"" + "m".repeat(65) + "\",\"messages\":" + many(1, "x") + "}");
        assertThat(model.path("type").asText()).isEqualTo("string_too_long");
        assertThat(model.path("msg").asText()).isEqualTo("String should have at most 64 characters");
        assertThat(model.path("ctx").toString()).isEqualTo("{\"max_length\":64}");

        JsonNode list = single422("{\"model\":\"m:1\",\"messages\":" + many(51, "x") + "}");
        assertThat(list.path("type").asText()).isEqualTo("too_long");
        assertThat(list.path("msg").asText()).isEqualTo("List should have at most 50 items after validation, not 51");
        assertThat(list.path("ctx").toString()).isEqualTo("{\"field_type\":\"List\",\"max_length\":50,\"actual_length\":51}");

        JsonNode content = single422("{\"model\":\"m:1\",\"messages\":" + msgs("user", "a", "assistant", "b".repeat(10_001)) + "}");
        assertThat(content.path("type").asText()).isEqualTo("string_too_long");
        assertThat(content.path("loc").toString()).isEqualTo("[\"body\",\"messages\",1,\"content\"]");
        assertThat(content.path("msg").asText()).isEqualTo("String should have at most 10000 characters");

        var res = hub.chat("{\"model\":\"m:1\",\"messages\":[]}");
        assertThat(res.body()).isEqualTo("{\"detail\":[{\"type\":\"too_short\",\"loc\":[\"body\",\"messages\"],"
                + "\"msg\":\"List should have at least 1 item after validation, not 0\",\"input\":[],"
                + "\"ctx\":{\"field_type\":\"List\",\"min_length\":1,\"actual_length\":0}}]}");
    }

    @Test
    void reportsEveryErrorAtOnce() throws Exception {
        var res = hub.chat("{\"model\":7,\"messages\":[{\"role\":\"system\",\"content\":\"\"}],\"think\":[]}");
        assertThat(res.statusCode()).isEqualTo(422);
        assertThat(json(res).path("detail")).extracting(e -> e.path("type").asText())
                .containsExactly("string_type", "literal_error", "string_too_short", "bool_type");
    }

    @Test
    void acceptsTheLimitsExactly() throws Exception {
        String body = "{\"model\":\"" + "m".repeat(64) + "\",\"messages\":" + many(50, "y".repeat(2_000)) + "}";
        var res = hub.chat(body);
        assertThat(res.statusCode()).isEqualTo(503); // valid, but nobody serves that model
        assertThat(res.body()).isEqualTo("{\"detail\":\"No nodes available with model " + "m".repeat(64) + "\"}");
        var ok = hub.chat("{\"model\":\"m:1\",\"messages\":" + many(10, "z".repeat(10_000)) + "}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Sse.parse(ok.body()).content()).isEqualTo("ok");
    }

    @Test
    void rejectsATotalPayloadOverOneHundredThousandChars() throws Exception {
        var res = hub.chat("{\"model\":\"m:1\",\"messages\":" + many(11, "x".repeat(10_000)) + "}");
        assertThat(res.statusCode()).isEqualTo(422);
        assertThat(res.body()).isEqualTo("{\"detail\":\"Total payload too large: 110000 chars (max 100000)\"}");
        String[] rc = new String[22];
        for (int i = 0; i < 10; i++) {
            rc[2 * i] = i % 2 == 0 ? "user" : "assistant";
            rc[2 * i + 1] = "x".repeat(10_000);
        }
        rc[20] = "user";
        rc[21] = "!";
        var justOver = hub.chat("{\"model\":\"m:1\",\"messages\":" + msgs(rc) + "}");
        assertThat(justOver.statusCode()).isEqualTo(422);
        assertThat(justOver.body()).isEqualTo("{\"detail\":\"Total payload too large: 100001 chars (max 100000)\"}");
    }

    @Test
    void countsCharactersAsCodePointsLikePython() throws Exception {
        // 10 × 10,000 emoji = 100,000 characters in Python (200,000 UTF-16 units): within every limit.
        String emoji = "\uD83D\uDE00".repeat(10_000);
        var res = hub.chat("{\"model\":\"m:1\",\"messages\":" + many(10, emoji) + "}");
        assertThat(res.statusCode()).as(res.statusCode() == 200 ? "" : res.body()).isEqualTo(200);
        var over = hub.chat("{\"model\":\"m:1\",\"messages\":" + many(1, emoji + "x") + "}");
        assertThat(over.statusCode()).isEqualTo(422);
    }

    @Test
    void appliesTheConfiguredContentPolicyToEveryMessage() throws Exception {
        var res = hub.chat("{\"model\":\"m:1\",\"messages\":" + msgs("user", "fine", "assistant", "some FORBIDDEN   Words here", "user", "ok") + "}");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).isEqualTo("{\"detail\":\"Message content not allowed\"}");
        // Code questions are not refused (idleclaw-wire.md §11 #15).
        var code = hub.chat(ask("m:1", "What does eval(x) do, and is exec( safe in Python?"));
        assertThat(code.statusCode()).isEqualTo(200);
        assertThat(Sse.parse(code.body()).content()).isEqualTo("ok");
    }

    @Test
    void codeQuestionsAreAllowedWithTheDefaultPolicy() throws Exception {
        try (var plain = HubFixture.start(); var n = StandInNode.registered(plain.port(), 1, "m:1").serving(List.of("ok"))) {
            for (String q : List.of("eval(input()) is dangerous?", "os.exec( vs subprocess", "forbidden words")) {
                var res = plain.chat(ask("m:1", q));
                assertThat(res.statusCode()).as(q).isEqualTo(200);
            }
        }
    }

    @Test
    void ignoresUnknownFieldsAndAcceptsThinkVariants() throws Exception {
        var res = hub.chat("{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}],"
                + "\"think\":false,\"temperature\":0.3,\"extra\":{\"a\":1}}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(Sse.parse(res.body()).content()).isEqualTo("ok");
        assertThat(hub.chat("{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"think\":\"true\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void refusesBodiesOverTheRequestSizeLimitWithJson413() throws Exception {
        String body = "{\"model\":\"m:1\",\"messages\":" + many(1, "x".repeat(600 * 1024)) + "}";
        var res = hub.chat(body);
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).isEqualTo("{\"detail\":\"" + TOO_LARGE + "\"}");
        assertHealthy(hub, 1);
        assertThat(hub.chat(ask("m:1", "still fine")).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesChunkedBodiesOverTheRequestSizeLimit() throws Exception {
        // A raw socket, so the answer is always read: a whole chunked body of four times the limit (a size at which the
        // hub once answered 500, while just over the limit was 413), sent in full before the answer is read.
        try (var socket = new java.net.Socket("127.0.0.1", hub.port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(16 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String head = "{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"";
            out.write((Integer.toHexString(head.length()) + "\r\n" + head + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (long sent = head.length(); sent <= 4 * CHUNKED_LIMIT_BYTES; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.write("4\r\n\"}]}\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String answer = readResponse(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413 ").endsWith("\r\n\r\n{\"detail\":\"" + TOO_LARGE + "\"}");
        }
        assertHealthy(hub, 1);
        assertThat(hub.chat(ask("m:1", "still fine")).statusCode()).isEqualTo(200);
    }

    /** One HTTP/1.1 response: the head, then a Content-Length body, or everything up to the close. */
    private static String readResponse(java.io.InputStream in) throws java.io.IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.append((char) b);
        }
        var length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
        return head + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}

package dev.idleclaw.front.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.testkit.StandInNode;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

/** Helpers for the OpenAI-face tests: requests, and answers with their random id and clock value masked after checks. */
final class Completions {
    static final String PATH = "/v1/chat/completions";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final Pattern ID = Pattern.compile("\"id\":\"(chatcmpl-[^\"]*)\",\"object\":\"chat\\.completion(\\.chunk)?\",\"created\":(\\d+),");

    private Completions() {}

    /** {@code json} with {@code id} → {@code ID} and {@code created} → {@code 0}, after checking both. */
    static String masked(String json, long notBeforeSeconds) {
        var m = ID.matcher(json);
        assertThat(m.find()).as("chat completion envelope in %s", json).isTrue();
        assertThat(m.group(1)).matches("chatcmpl-[A-Za-z0-9_-]{24,}");
        assertThat(Long.parseLong(m.group(3))).isBetween(notBeforeSeconds, System.currentTimeMillis() / 1000 + 1);
        return json.substring(0, m.start(1)) + "ID" + json.substring(m.end(1), m.start(3)) + "0" + json.substring(m.end(3));
    }

    static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Asserts OpenAI's error object with all four keys, exactly. */
    static void assertError(HttpResponse<String> res, int status, String message, String type, String code) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(Bodies.type(res.headers())).isEqualTo("application/json");
        assertThat(res.body()).isEqualTo("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}");
    }

    static JsonNode params(StandInNode node) throws InterruptedException {
        return node.nextOfType("inference_request").path("ollama_params");
    }
}

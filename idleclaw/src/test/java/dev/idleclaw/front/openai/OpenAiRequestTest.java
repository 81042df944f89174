package dev.idleclaw.front.openai;

import static dev.idleclaw.front.Bodies.fields;
import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.openai.Completions.ASK;
import static dev.idleclaw.front.openai.Completions.PATH;
import static dev.idleclaw.front.openai.Completions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a Chat Completions request becomes the node's {@code ollama_params}, and the requests refused (openai-api.md §2, §6). */
class OpenAiRequestTest {
    static final String Q = "qwen3:8b";

    @Test
    void samplingLimitsFormatReasoningRolesAndImagesAreTranslated() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, Q)) {
            node.onRequestId(node::done);
            var res = hub.post(PATH, "{\"model\":\"" + Q + "\",\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is \"},{\"type\":\"text\",\"text\":\"this?\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"low\"}}]}],"
                    + "\"max_tokens\":100,\"max_completion_tokens\":50,\"temperature\":0.2,\"top_p\":0.9,\"seed\":7,\"stop\":\"END\","
                    + "\"response_format\":{\"type\":\"json_object\"},\"reasoning_effort\":\"minimal\",\"n\":1,\"user\":\"u1\","
                    + "\"logit_bias\":{},\"parallel_tool_calls\":true,\"store\":false,\"metadata\":{},\"unknown\":[1]}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode params = Completions.params(node);
            assertThat(params).isEqualTo(json("{\"model\":\"" + Q + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"What is this?\",\"images\":[\"iVBORw0KGgo=\"]}],\"stream\":true,\"think\":\"low\","
                    + "\"format\":\"json\",\"options\":{\"num_predict\":50,\"temperature\":0.2,\"top_p\":0.9,\"seed\":7,\"stop\":[\"END\"]}}"));

            hub.post(PATH, "{\"model\":\"" + Q + "\"," + ASK + ",\"max_completion_tokens\":30,\"stop\":[\"a\",\"b\"],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"n\",\"strict\":true,"
                    + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}}}}");
            JsonNode schema = Completions.params(node);
            assertThat(schema.path("format")).isEqualTo(json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
            assertThat(schema.path("options")).isEqualTo(json("{\"num_predict\":30,\"stop\":[\"a\",\"b\"]}"));
            assertThat(schema.has("think")).isFalse();

            hub.post(PATH, "{\"model\":\"" + Q + "\"," + ASK + ",\"response_format\":{\"type\":\"text\"}}");
            assertThat(fields(Completions.params(node))).containsExactly("model", "messages", "stream");
        }
    }

    @Test
    void reasoningEffortMapsToThink() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"reasoning_effort\":\"none\"", "false");
        cases.put("\"reasoning_effort\":\"minimal\"", "\"low\"");
        cases.put("\"reasoning_effort\":\"low\"", "\"low\"");
        cases.put("\"reasoning_effort\":\"medium\"", "\"medium\"");
        cases.put("\"reasoning_effort\":\"high\"", "\"high\"");
        cases.put("\"reasoning_effort\":\"max\"", "\"max\"");
        cases.put("\"reasoning_effort\":\"xhigh\"", "\"max\"");
        cases.put("\"reasoning_effort\":\"ultra\"", "\"max\"");
        cases.put("\"reasoning\":{\"effort\":\"high\"}", "\"high\"");
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, Q)) {
            node.onRequestId(node::done);
            for (var c : cases.entrySet()) {
                var res = hub.post(PATH, "{\"model\":\"" + Q + "\"," + ASK + "," + c.getKey() + "}");
                assertThat(res.statusCode()).as(c.getKey() + " " + res.body()).isEqualTo(200);
                assertThat(Completions.params(node).path("think").toString()).as(c.getKey()).isEqualTo(c.getValue());
            }
        }
    }

    @Test
    void refusalsUseOpenAisErrorShapeWithAllFourKeys() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, Q)) {
            assertError(hub.post(PATH, "{\"model\":\"" + Q + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                            + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}"), 400,
                    "image URLs are not currently supported, please use base64 encoded data instead", "invalid_request_error", null);
            assertError(hub.post(PATH, "{\"model\":\"" + Q + "\",\"messages\":[]}"), 400, "[] is too short - 'messages'",
                    "invalid_request_error", null);
            assertError(hub.post(PATH, ""), 400, "missing request body", "invalid_request_error", null);
            var n = hub.post(PATH, "{\"model\":\"" + Q + "\"," + ASK + ",\"n\":2}");
            assertThat(n.statusCode()).isEqualTo(400);
            JsonNode err = json(n.body()).path("error");
            assertThat(fields(err)).containsExactly("message", "type", "param", "code");
            assertThat(err.path("message").asText()).isNotBlank();
            assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(err.path("param").isNull() && err.path("code").isNull()).isTrue();
            for (String stream : new String[] {"false", "true"}) {
                var unknown = hub.post(PATH, "{\"model\":\"nope:1b\"," + ASK + ",\"stream\":" + stream + "}", "Authorization", "Bearer x");
                assertError(unknown, 404, "model 'nope:1b' not found", "not_found_error", "model_not_found");
                assertThat(unknown.headers().firstValue("x-should-retry")).hasValue("false");
            }
            assertThat(node.receives("inference_request", 100)).isFalse();
        }
    }
}

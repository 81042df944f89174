package dev.idleclaw.front.responses;

import static dev.idleclaw.front.Bodies.json;
import static dev.idleclaw.front.responses.Events.PATH;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Function tools through the Responses door: tools in, function_call items out, and the round trip back in. */
class ResponsesToolsTest {
    static final String M = "llama3.2:3b";
    static final String TOOLS = "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\",\"strict\":true,"
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
            + "{\"type\":\"web_search\"},{\"type\":\"namespace\",\"name\":\"x\",\"tools\":[]}]";
    static final String OLLAMA_TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
    static final String TOKYO = "[{\"id\":\"call_k3b9x2q1\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]";

    @Test
    void functionToolsReachTheNodeOtherToolTypesAreLeftOutAndCallsComeBackAsFunctionCallItems() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.toolCalls(id, TOKYO);
                node.doneWithMetrics(id, "stop");
            });
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"weather?\",\"tools\":" + TOOLS + ",\"tool_choice\":\"auto\"}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("tools")).isEqualTo(json(OLLAMA_TOOLS));
            JsonNode r = json(res.body());
            assertThat(r.path("output")).hasSize(1);
            JsonNode call = r.path("output").get(0);
            assertThat(call.path("id").asText()).startsWith("fc_");
            assertThat((JsonNode) ((com.fasterxml.jackson.databind.node.ObjectNode) call.deepCopy()).without("id")).isEqualTo(json(
                    "{\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\"}\","
                            + "\"call_id\":\"call_k3b9x2q1\",\"name\":\"get_weather\"}"));
            assertThat(r.path("tools")).hasSize(1);
        }
    }

    @Test
    void aStreamedCallIsItsItemEventsWithArgumentsDeltaAndDone() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.onRequestId(id -> {
                node.toolCalls(id, TOKYO);
                node.doneWithMetrics(id, "stop");
            });
            List<JsonNode> events = Events.of(hub.post(PATH, "{\"model\":\"" + M + "\",\"stream\":true,\"input\":\"weather?\",\"tools\":"
                    + TOOLS + "}").body());
            assertThat(Events.types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                    "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
                    "response.completed");
            assertThat(events.get(2).path("item").path("status").asText()).isEqualTo("in_progress");
            assertThat(events.get(3).path("delta").asText()).isEqualTo("{\"city\":\"Tokyo\"}");
            assertThat(events.get(4).path("arguments").asText()).isEqualTo("{\"city\":\"Tokyo\"}");
            assertThat(events.get(4).path("item_id")).isEqualTo(events.get(2).path("item").path("id"));
            assertThat(events.getLast().path("response").path("output").get(0)).isEqualTo(events.get(5).path("item"));
        }
    }

    @Test
    void functionCallAndOutputItemsBecomeTheAssistantsToolCallsAndANamedToolMessage() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.servingWithMetrics(List.of("Sunny."));
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"tools\":" + TOOLS + ",\"input\":["
                    + "{\"role\":\"user\",\"content\":\"weather?\"},"
                    + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"xyz\"},"
                    + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\"}\"},"
                    + "{\"type\":\"function_call\",\"call_id\":\"call_2\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"22C\"},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"call_2\",\"output\":[{\"type\":\"input_text\",\"text\":\"3C\"}]}]}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(node.nextOfType("inference_request").path("ollama_params").path("messages")).isEqualTo(json("["
                    + "{\"role\":\"user\",\"content\":\"weather?\"},"
                    + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                    + "{\"id\":\"call_1\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}},"
                    + "{\"id\":\"call_2\",\"function\":{\"index\":1,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}}]},"
                    + "{\"role\":\"tool\",\"content\":\"22C\",\"tool_name\":\"get_weather\",\"tool_call_id\":\"call_1\"},"
                    + "{\"role\":\"tool\",\"content\":\"3C\",\"tool_name\":\"get_weather\",\"tool_call_id\":\"call_2\"}]"));
            assertThat(json(res.body()).path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Sunny.");
        }
    }

    @Test
    void toolChoiceNoneSendsNoToolsAndJsonSchemaBecomesTheFormat() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, M)) {
            node.servingWithMetrics(List.of("{}"));
            String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}";
            var res = hub.post(PATH, "{\"model\":\"" + M + "\",\"input\":\"hi\",\"tools\":" + TOOLS + ",\"tool_choice\":\"none\","
                    + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"a\",\"strict\":true,\"schema\":" + schema + "}}}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode params = node.nextOfType("inference_request").path("ollama_params");
            assertThat(params.has("tools")).isFalse();
            assertThat(params.path("format")).isEqualTo(json(schema));
            assertThat(json(res.body()).path("text").path("format").path("type").asText()).isEqualTo("json_schema");
        }
    }
}

package dev.idleclaw.front.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding a Responses API body into the canonical request and the fields its response echoes, without a hub. */
class ResponsesRequestsTest {

    private static ResponsesRequests.Call decode(String body) throws Exception {
        return ResponsesRequests.decode(Json.parse(body));
    }

    @Test
    void instructionsLeadAndEarlierFunctionCallsJoinTheAssistantTurnTheirOutputsAnswer() throws Exception {
        var call = decode("""
                {"model":"m","instructions":"be brief","stream":true,"input":[
                  {"role":"user","content":[{"type":"input_text","text":"weather "},{"type":"input_text","text":"in Oslo?"},
                                            {"type":"input_image","image_url":"data:image/png;base64,AAAA"}]},
                  {"type":"reasoning","summary":[]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"checking"}]},
                  {"type":"function_call","call_id":"c1","name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
                  {"type":"function_call","call_id":"c2","name":"time","arguments":""},
                  {"type":"function_call_output","call_id":"c1","output":"rain"},
                  {"type":"function_call_output","call_id":"c2","output":"noon"}]}""");
        assertThat(call.stream()).isTrue();
        var messages = call.request().messages();
        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool", "tool");
        assertThat(messages.get(0).content()).isEqualTo("be brief");
        assertThat(messages.get(1)).isEqualTo(new ChatMessage("user", "weather in Oslo?", null, java.util.List.of("AAAA"), null, null, null));
        ChatMessage assistant = messages.get(2);
        assertThat(assistant.content()).isEqualTo("checking");
        assertThat(assistant.toolCalls()).extracting(tc -> tc.id() + " " + tc.index() + " " + tc.name() + " " + Json.write(tc.arguments()))
                .containsExactly("c1 0 weather {\"city\":\"Oslo\"}", "c2 1 time {}");
        assertThat(messages.get(3)).isEqualTo(new ChatMessage("tool", "rain", null, null, null, "weather", "c1"));
        assertThat(messages.get(4)).isEqualTo(new ChatMessage("tool", "noon", null, null, null, "time", "c2"));
    }

    @Test
    void onlyFunctionToolsReachTheNodeAndTheResponseEchoesOpenAisDefaults() throws Exception {
        var call = decode("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"d\"},"
                + "{\"type\":\"web_search\"}]}");
        assertThat(call.request().messages()).containsExactly(ChatMessage.of("user", "hi"));
        assertThat(Json.write(call.request().tools()))
                .isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"}}}]");
        assertThat(Json.write(call.echo())).isEqualTo("{\"instructions\":null,\"max_output_tokens\":null,\"temperature\":1.0,"
                + "\"top_p\":1.0,\"tool_choice\":\"auto\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"d\"}],"
                + "\"parallel_tool_calls\":true,\"reasoning\":{\"effort\":null,\"summary\":null},\"text\":{\"format\":{\"type\":\"text\"}},"
                + "\"metadata\":{}}");
        assertThat(decode("{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":\"none\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}")
                .request().tools()).isNull();
    }

    @Test
    void reasoningFormatAndSamplingBecomeOllamasThinkFormatAndOptions() throws Exception {
        var request = decode("{\"model\":\"m\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"minimal\"},\"max_output_tokens\":32,"
                + "\"temperature\":0.3,\"top_p\":0.8,\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{\"type\":\"object\"}}}}")
                .request();
        assertThat(Json.write(request.think())).isEqualTo("\"low\"");
        assertThat(Json.write(request.format())).isEqualTo("{\"type\":\"object\"}");
        assertThat(Json.write(request.options())).isEqualTo("{\"num_predict\":32,\"temperature\":0.3,\"top_p\":0.8}");
        assertThat(Json.write(decode("{\"model\":\"m\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"xhigh\"}}").request().think()))
                .isEqualTo("\"max\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no model           | {"input":"hi"}                                                        | you must provide a model parameter
            previous response  | {"model":"m","input":"hi","previous_response_id":"resp_1"}            | previous_response_id is not supported: this endpoint is stateless and keeps no responses; send the whole conversation in 'input'
            stored             | {"model":"m","input":"hi","store":true}                               | store: true is not supported: this endpoint is stateless and keeps no responses; set store to false
            no input           | {"model":"m"}                                                         | 'input' is a required property
            numeric input      | {"model":"m","input":5}                                               | 'input' must be a string or an array of items
            nothing readable   | {"model":"m","input":[{"type":"reasoning","summary":[]}]}             | 'input' has no message a model can read
            item not object    | {"model":"m","input":["hi"]}                                          | input[0] must be an object
            unknown role       | {"model":"m","input":[{"role":"tool","content":"hi"}]}                | input[0].role 'tool' is not one of user, assistant, system, developer
            image by URL       | {"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://x"}]}]} | image URLs are not currently supported, please use base64 encoded data instead
            bad arguments      | {"model":"m","input":[{"type":"function_call","name":"f","arguments":"[1]"}]} | input[0].arguments is not a JSON object
            """)
    void whatNoNodeCouldAnswerIsA400InOpenAisWords(String why, String body, String message) {
        assertThatThrownBy(() -> decode(body)).isInstanceOfSatisfying(DoorError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}

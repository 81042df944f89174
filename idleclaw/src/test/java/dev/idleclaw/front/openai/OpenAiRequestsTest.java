package dev.idleclaw.front.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding a Chat Completions body into the canonical request, without a hub (openai-api.md §2). */
class OpenAiRequestsTest {

    private static OpenAiRequests.Call decode(String body) throws Exception {
        return OpenAiRequests.decode(Json.parse(body));
    }

    @Test
    void everyRoleBecomesItsOllamaMessageAndAToolResultIsNamedAfterTheCallItAnswers() throws Exception {
        var call = decode("""
                {"model":"m","messages":[
                  {"role":"developer","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"what is "},{"type":"text","text":"this?"},
                                            {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
                  {"role":"assistant","content":null,"reasoning":"look it up",
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"a cat"}]}""");
        var messages = call.request().messages();
        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool");
        assertThat(messages.get(0).content()).isEqualTo("be brief");
        assertThat(messages.get(1).content()).isEqualTo("what is this?");
        assertThat(messages.get(1).images()).containsExactly("AAAA");
        ChatMessage assistant = messages.get(2);
        assertThat(assistant.content()).isEmpty();
        assertThat(assistant.thinking()).isEqualTo("look it up");
        assertThat(assistant.toolCalls()).singleElement().satisfies(tc -> {
            assertThat(tc.id()).isEqualTo("call_1");
            assertThat(tc.index()).isZero();
            assertThat(tc.name()).isEqualTo("lookup");
            assertThat(Json.write(tc.arguments())).isEqualTo("{\"q\":\"x\"}");
        });
        assertThat(messages.get(3)).isEqualTo(new ChatMessage("tool", "a cat", null, null, null, "lookup", "call_1"));
        assertThat(call.stream()).isFalse();
    }

    @Test
    void usageIsIncludedOnlyWhenAStreamAsksForIt() throws Exception {
        String ask = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(decode("{" + ask + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").includeUsage()).isTrue();
        assertThat(decode("{" + ask + ",\"stream\":true}").includeUsage()).isFalse();
        assertThat(decode("{" + ask + ",\"stream_options\":{\"include_usage\":true}}").includeUsage()).isFalse();
    }

    @ParameterizedTest(name = "{0} → think {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            "reasoning_effort":"none"          | false
            "reasoning_effort":"minimal"       | "low"
            "reasoning_effort":"medium"        | "medium"
            "reasoning_effort":"xhigh"         | "max"
            "reasoning_effort":"ultra"         | "max"
            "reasoning":{"effort":"high"}      | "high"
            "reasoning_effort":"sideways"      | null
            "reasoning_effort":3               | null
            """)
    void reasoningEffortBecomesOllamasThinkValue(String field, String think) throws Exception {
        var request = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}").request();
        assertThat(request.think() == null ? "null" : Json.write(request.think())).isEqualTo(think);
    }

    @Test
    void samplingOptionsPassThroughAndTheSmallerTokenLimitWins() throws Exception {
        var request = decode("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":50,"max_completion_tokens":20,
                 "temperature":0.2,"top_p":0.9,"seed":7,"frequency_penalty":0.5,"presence_penalty":0,"stop":"END",
                 "logit_bias":{"1":2},"response_format":{"type":"json_object"}}""").request();
        assertThat(Json.write(request.options())).isEqualTo("{\"num_predict\":20,\"temperature\":0.2,\"top_p\":0.9,\"seed\":7,"
                + "\"frequency_penalty\":0.5,\"presence_penalty\":0,\"stop\":[\"END\"]}");
        assertThat(Json.write(request.format())).isEqualTo("\"json\"");
    }

    @Test
    void aJsonSchemaResponseFormatBecomesTheFormatSchemaAndToolsPassThrough() throws Exception {
        var request = decode("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}""").request();
        assertThat(Json.write(request.format())).isEqualTo("{\"type\":\"object\"}");
        assertThat(Json.write(request.tools())).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]");
        assertThat(request.options()).isNull();
        assertThat(decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[]}").request().tools()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no model          | {"messages":[{"role":"user","content":"hi"}]}                                      | you must provide a model parameter
            blank model       | {"model":" ","messages":[{"role":"user","content":"hi"}]}                          | you must provide a model parameter
            no messages       | {"model":"m"}                                                                      | 'messages' is a required property and must be an array
            empty messages    | {"model":"m","messages":[]}                                                        | [] is too short - 'messages'
            several choices   | {"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}                    | n > 1 is not supported
            message not object| {"model":"m","messages":["hi"]}                                                    | messages[0] must be an object
            unknown role      | {"model":"m","messages":[{"role":"robot","content":"hi"}]}                         | messages[0].role 'robot' is not one of system, developer, user, assistant, tool
            numeric content   | {"model":"m","messages":[{"role":"user","content":5}]}                             | messages[0].content must be a string or an array of parts
            image by URL      | {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x/y.png"}]}]} | image URLs are not currently supported, please use base64 encoded data instead
            bad arguments     | {"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"[1]"}}]}]} | invalid tool call arguments
            """)
    void whatNoNodeCouldAnswerIsA400InOpenAisWords(String why, String body, String message) {
        assertThatThrownBy(() -> decode(body)).isInstanceOfSatisfying(DoorError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void unknownContentPartsAreIgnored() throws Exception {
        JsonNode body = Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_audio\",\"input_audio\":{}},{\"type\":\"text\",\"text\":\"hi\"}]}]}");
        assertThat(OpenAiRequests.decode(body).request().messages().getFirst().content()).isEqualTo("hi");
    }
}

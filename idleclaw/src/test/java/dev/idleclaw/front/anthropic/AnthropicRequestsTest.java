package dev.idleclaw.front.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding an Anthropic Messages body into the canonical request, without a hub. */
class AnthropicRequestsTest {

    private static AnthropicRequests.Call decode(String body) throws Exception {
        return AnthropicRequests.decode(Json.parse(body));
    }

    @Test
    void systemBlocksLeadAndToolResultsBecomeToolMessagesAheadOfTheUsersText() throws Exception {
        var call = decode("""
                {"model":"m","max_tokens":64,"stream":true,
                 "system":[{"type":"text","text":"be brief"},{"type":"text","text":"be kind"}],
                 "messages":[
                   {"role":"user","content":"weather?"},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"use the tool"},{"type":"text","text":"checking"},
                                                  {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"rain"}]},
                                             {"type":"text","text":"and tomorrow?"},
                                             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}""");
        assertThat(call.stream()).isTrue();
        var messages = call.request().messages();
        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(messages.get(0).content()).isEqualTo("be brief\nbe kind");
        ChatMessage assistant = messages.get(2);
        assertThat(assistant.content()).isEqualTo("checking");
        assertThat(assistant.thinking()).isEqualTo("use the tool");
        assertThat(assistant.toolCalls()).singleElement().satisfies(tc -> {
            assertThat(tc.id()).isEqualTo("toolu_1");
            assertThat(tc.name()).isEqualTo("weather");
            assertThat(Json.write(tc.arguments())).isEqualTo("{\"city\":\"Oslo\"}");
        });
        assertThat(messages.get(3)).isEqualTo(new ChatMessage("tool", "rain", null, null, null, "weather", "toolu_1"));
        assertThat(messages.get(4)).isEqualTo(new ChatMessage("user", "and tomorrow?", null, java.util.List.of("AAAA"), null, null, null));
        assertThat(Json.write(call.request().options())).isEqualTo("{\"num_predict\":64}");
    }

    @Test
    void onlyCustomToolsReachTheNodeInOllamasFunctionShapeAndToolChoiceNarrowsThem() throws Exception {
        String tools = "\"tools\":[{\"name\":\"a\",\"description\":\"first\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}},"
                + "{\"name\":\"b\"},{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]";
        String ask = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools;
        assertThat(Json.write(decode(ask + "}").request().tools())).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"a\","
                + "\"description\":\"first\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"parameters\":{\"type\":\"object\"}}}]");
        assertThat(Json.write(decode(ask + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"b\"}}").request().tools()))
                .isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"b\",\"parameters\":{\"type\":\"object\"}}}]");
        assertThat(decode(ask + ",\"tool_choice\":{\"type\":\"none\"}}").request().tools()).isNull();
        assertThatThrownBy(() -> decode(ask + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"web_search\"}}"))
                .hasMessage("tool_choice: tool 'web_search' is not among the tools");
    }

    @ParameterizedTest(name = "thinking {0} → think {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"type":"enabled","budget_tokens":1024} | true
            {"type":"adaptive"}                     | true
            {"type":"disabled"}                     | false
            {"type":"sometimes"}                    | null
            """)
    void thinkingBecomesOllamasBooleanThink(String thinking, String think) throws Exception {
        var request = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"thinking\":" + thinking + "}").request();
        assertThat(request.think() == null ? "null" : Json.write(request.think())).isEqualTo(think);
    }

    @Test
    void samplingOptionsAndStopSequencesPassThrough() throws Exception {
        var request = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10,"
                + "\"temperature\":0.5,\"top_p\":0.9,\"top_k\":40,\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u\"}}").request();
        assertThat(Json.write(request.options()))
                .isEqualTo("{\"num_predict\":10,\"temperature\":0.5,\"top_p\":0.9,\"top_k\":40,\"stop\":[\"END\"]}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no model          | {"messages":[{"role":"user","content":"hi"}]}                                          | model: Field required
            no messages       | {"model":"m"}                                                                          | messages: Field required (an array)
            empty messages    | {"model":"m","messages":[]}                                                            | messages: at least one message is required
            message not object| {"model":"m","messages":["hi"]}                                                        | messages.0: must be an object
            unknown role      | {"model":"m","messages":[{"role":"tool","content":"hi"}]}                              | messages.0.role: 'tool' is not one of user, assistant, system
            numeric content   | {"model":"m","messages":[{"role":"user","content":5}]}                                 | messages.0.content: must be a string or an array of content blocks
            image by URL      | {"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x"}}]}]} | messages.0.content: only base64 image sources are supported
            tool input string | {"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":"x"}]}]} | messages.0.content: tool_use input must be an object
            zero max_tokens   | {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}               | max_tokens: must be a positive integer
            """)
    void whatNoNodeCouldAnswerIsA400InAnthropicsWords(String why, String body, String message) {
        assertThatThrownBy(() -> decode(body)).isInstanceOfSatisfying(DoorError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}

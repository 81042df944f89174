package dev.idleclaw.front.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding Ollama's {@code /api/chat} and {@code /api/generate} bodies into the canonical request, without a hub. */
class OllamaRequestsTest {

    private static OllamaRequests.Call chat(String body) throws Exception {
        return OllamaRequests.chat(Json.parse(body));
    }

    private static OllamaRequests.Call generate(String body) throws Exception {
        return OllamaRequests.generate(Json.parse(body));
    }

    @Test
    void aChatKeepsEveryMessageFieldAndPassesOllamaOnlyPartsThroughUntouched() throws Exception {
        var call = chat("""
                {"model":"qwen3:8b","stream":false,"think":"high","keep_alive":"5m","format":"json","options":{"seed":1},
                 "tools":[{"type":"function","function":{"name":"f"}}],
                 "messages":[{"role":"SYSTEM","content":"be brief"},
                             {"role":"user","content":"hi","images":["AAAA"]},
                             {"role":"assistant","content":"","thinking":"hmm",
                              "tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]},
                             {"role":"tool","content":"42","tool_name":"f"}]}""");
        assertThat(call.stream()).isFalse();
        assertThat(call.load()).isFalse();
        var r = call.request();
        assertThat(r.model()).isEqualTo("qwen3:8b");
        assertThat(r.messages()).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool");
        assertThat(r.messages().get(1).images()).containsExactly("AAAA");
        assertThat(r.messages().get(2).thinking()).isEqualTo("hmm");
        assertThat(r.messages().get(2).toolCalls()).singleElement().satisfies(tc -> {
            assertThat(tc.name()).isEqualTo("f");
            assertThat(Json.write(tc.arguments())).isEqualTo("{\"a\":1}");
        });
        assertThat(r.messages().get(3).toolName()).isEqualTo("f");
        assertThat(Json.write(r.think())).isEqualTo("\"high\"");
        assertThat(Json.write(r.keepAlive())).isEqualTo("\"5m\"");
        assertThat(Json.write(r.format())).isEqualTo("\"json\"");
        assertThat(Json.write(r.options())).isEqualTo("{\"seed\":1}");
        assertThat(Json.write(r.tools())).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");
    }

    @Test
    void whatRealClientsSendEmptyOrNullIsTreatedAsAbsentAndStreamingIsTheDefault() throws Exception {
        var call = chat("{\"model\":\"m\",\"stream\":null,\"messages\":[{\"role\":\"user\",\"content\":null,\"images\":[]}],"
                + "\"tools\":[],\"format\":\"\",\"options\":{},\"think\":null,\"keep_alive\":null,\"unknown\":1}");
        assertThat(call.stream()).isTrue();
        var r = call.request();
        assertThat(r.messages()).containsExactly(new ChatMessage("user", "", null, null, null, null, null));
        assertThat(r.tools()).isNull();
        assertThat(r.format()).isNull();
        assertThat(r.options()).isNull();
        assertThat(r.think()).isNull();
        assertThat(r.keepAlive()).isNull();
    }

    @ParameterizedTest(name = "keep_alive {0}")
    @ValueSource(strings = {"0", "\"0\"", "\"0s\"", "\"0m0s\"", "\"-0.0ms\""})
    void aChatWithoutMessagesAndAZeroKeepAliveUnloadsTheModel(String keepAlive) throws Exception {
        var call = chat("{\"model\":\"m\",\"keep_alive\":" + keepAlive + "}");
        assertThat(call.load()).isTrue();
        assertThat(call.unload()).isTrue();
    }

    @Test
    void aChatWithoutMessagesOnlyLoadsTheModelUnlessItsKeepAliveIsZero() throws Exception {
        var load = chat("{\"model\":\"m\",\"messages\":[],\"keep_alive\":\"10m\"}");
        assertThat(load.load()).isTrue();
        assertThat(load.unload()).isFalse();
        var withMessage = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"keep_alive\":0}");
        assertThat(withMessage.load()).isFalse();
        assertThat(withMessage.unload()).isFalse();
    }

    @Test
    void aGeneratePromptBecomesAUserMessageAfterItsSystemAndAnEmptyPromptOnlyLoads() throws Exception {
        var r = generate("{\"model\":\"m\",\"prompt\":\"hi\",\"system\":\"be brief\",\"images\":[\"AAAA\"]}").request();
        assertThat(r.messages()).containsExactly(ChatMessage.of("system", "be brief"),
                new ChatMessage("user", "hi", null, java.util.List.of("AAAA"), null, null, null));
        assertThat(generate("{\"model\":\"m\",\"prompt\":\"\"}").load()).isTrue();
    }

    @Test
    void aGenerateSuffixAsksForTheMiddleBetweenPromptAndSuffix() throws Exception {
        var r = generate("{\"model\":\"m\",\"prompt\":\"def f(\",\"suffix\":\"  return x\"}").request();
        assertThat(r.messages().getFirst().content()).isEqualTo("Fill in the text that belongs between the prefix and the suffix. "
                + "Reply with the missing middle only.\nPrefix:\ndef f(\nSuffix:\n  return x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no model            | {"messages":[]}                                                  | model is required
            blank model         | {"model":"  "}                                                   | model is required
            numeric model       | {"model":7}                                                      | json: cannot unmarshal model: expected a string
            string stream       | {"model":"m","stream":"yes"}                                     | json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool
            numeric stream      | {"model":"m","stream":1}                                         | json: cannot unmarshal number into Go struct field ChatRequest.stream of type bool
            messages object     | {"model":"m","messages":{}}                                      | json: cannot unmarshal messages: expected an array
            message not object  | {"model":"m","messages":[1]}                                     | json: cannot unmarshal messages[0]: expected an object
            unknown role        | {"model":"m","messages":[{"role":"robot","content":"hi"}]}       | invalid role 'robot' in message 0
            numeric content     | {"model":"m","messages":[{"role":"user","content":1}]}           | json: cannot unmarshal content: expected a string
            images not an array | {"model":"m","messages":[{"role":"user","images":"AAAA"}]}       | json: cannot unmarshal images: expected an array
            numeric image       | {"model":"m","messages":[{"role":"user","images":[1]}]}          | json: cannot unmarshal images: expected base64 strings
            think level unknown | {"model":"m","think":"extreme"}                                  | invalid think value: "extreme" (use true, false, "low", "medium", "high" or "max")
            """)
    void aChatNoNodeCouldAnswerIsA400InOllamasWords(String why, String body, String message) {
        assertThatThrownBy(() -> chat(body)).isInstanceOfSatisfying(DoorError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void aGenerateWithoutAModelIsA404AndRawModeRefusesATemplateSystemOrContext() {
        assertThatThrownBy(() -> generate("{\"prompt\":\"hi\"}")).isInstanceOfSatisfying(DoorError.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.getMessage()).isEqualTo("model '' not found");
        });
        assertThatThrownBy(() -> generate("{\"model\":\"m\",\"prompt\":\"hi\",\"raw\":true,\"system\":\"s\"}"))
                .isInstanceOfSatisfying(DoorError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("raw mode does not support template, system, or context");
                });
        assertThatThrownBy(() -> generate("{\"model\":\"m\",\"stream\":[]}")).hasMessage(
                "json: cannot unmarshal array into Go struct field GenerateRequest.stream of type bool");
    }
}

package dev.idleclaw.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent-sized request: exact size, each door's shape, and what makes it realistic (tools, history, escapes). */
class AgentBodyTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode parse(String body) throws Exception {
        return MAPPER.readTree(body);
    }

    @Test
    void isExactlyTheRequestedSizeInUtf8Bytes() {
        for (Door door : List.of(Door.OLLAMA, Door.OPENAI, Door.DIRECT_OLLAMA)) {
            for (int bytes : new int[] {AgentBody.DEFAULT_BYTES, 60_000, 100_001, 1 << 20}) {
                assertThat(AgentBody.of(door, "llama3.2", bytes).getBytes(StandardCharsets.UTF_8)).as(door + " " + bytes).hasSize(bytes);
            }
        }
    }

    @Test
    void ollamaShapeHasASystemPromptTwentyToolsAndAToolUsingHistory() throws Exception {
        String body = AgentBody.of(Door.OLLAMA, "llama3.2", AgentBody.DEFAULT_BYTES);
        JsonNode root = parse(body);
        assertThat(root.path("model").asText()).isEqualTo("llama3.2");
        assertThat(root.path("stream").asBoolean()).isTrue();
        JsonNode tools = root.path("tools");
        assertThat(tools).hasSize(AgentBody.TOOLS);
        var names = new HashSet<String>();
        for (JsonNode t : tools) {
            assertThat(t.path("type").asText()).isEqualTo("function");
            names.add(t.path("function").path("name").asText());
            assertThat(t.path("function").path("parameters").path("properties").size()).isBetween(2, 4);
            assertThat(t.path("function").path("parameters").path("required")).hasSize(1);
        }
        assertThat(names).hasSize(AgentBody.TOOLS);
        JsonNode messages = root.path("messages");
        assertThat(messages).hasSize(2 + 2 * AgentBody.STEPS);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText().length()).isGreaterThanOrEqualTo(AgentBody.SYSTEM_CHARS);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        for (int i = 2; i < messages.size(); i += 2) {
            JsonNode call = messages.get(i).path("tool_calls").get(0).path("function");
            assertThat(messages.get(i).path("role").asText()).isEqualTo("assistant");
            assertThat(call.path("arguments").isObject()).isTrue();
            assertThat(names).contains(call.path("name").asText());
            assertThat(messages.get(i + 1).path("role").asText()).isEqualTo("tool");
            assertThat(messages.get(i + 1).path("tool_name").asText()).isEqualTo(call.path("name").asText());
        }
        assertThat(body).contains("—", "\\n", "\\\"", "\\\\");
    }

    @Test
    void openAiShapeCarriesArgumentStringsAndCallIds() throws Exception {
        JsonNode messages = parse(AgentBody.of(Door.OPENAI, "llama3.2", AgentBody.DEFAULT_BYTES)).path("messages");
        for (int i = 2; i < messages.size(); i += 2) {
            JsonNode call = messages.get(i).path("tool_calls").get(0);
            assertThat(messages.get(i).path("content").isNull()).isTrue();
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(parse(call.path("function").path("arguments").asText()).path("limit").asInt()).isEqualTo(200);
            assertThat(messages.get(i + 1).path("tool_call_id").asText()).isEqualTo(call.path("id").asText()).startsWith("call_");
        }
    }

    @Test
    void isTheSameEveryTime() {
        assertThat(AgentBody.of(Door.OLLAMA, "m", 70_000)).isEqualTo(AgentBody.of(Door.OLLAMA, "m", 70_000));
        assertThat(AgentBody.of(Door.DIRECT_OLLAMA, "m", 70_000)).isEqualTo(AgentBody.of(Door.OLLAMA, "m", 70_000));
    }

    @Test
    void refusesTheIdleClawDoorAndSizesTooSmallForItsParts() {
        assertThatThrownBy(() -> AgentBody.of(Door.IDLECLAW, "m", AgentBody.DEFAULT_BYTES)).hasMessageContaining("IdleClaw door");
        assertThatThrownBy(() -> AgentBody.of(Door.OLLAMA, "m", 10_000)).hasMessageContaining("at least");
    }

    @Test
    void padFillsExactlyTheEscapedRoomEvenWhenAnEscapeWouldOverflow() {
        assertThat(AgentBody.pad("ab\"c", 3)).isEqualTo("ab ");
        assertThat(AgentBody.pad("a\nb", 3)).isEqualTo("a\n");
        assertThat(AgentBody.pad("abc", 0)).isEmpty();
    }
}

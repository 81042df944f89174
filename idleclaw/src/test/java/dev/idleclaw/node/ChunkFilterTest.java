package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;

class ChunkFilterTest {

    private static ObjectNode relay(String ollamaLine) throws Exception {
        return ChunkFilter.relay((ObjectNode) Json.parse(ollamaLine));
    }

    @Test
    void onlyWhitelistedKeysReachTheHub() throws Exception {
        var chunk = relay("""
                {"model":"m","remote_host":"x","created_at":"t","_debug_info":{},"logprobs":[1],
                 "message":{"role":"assistant","content":"Hi","images":null,"tool_name":"x","extra":1},"done":false}""");
        assertThat(Json.write(chunk)).isEqualTo("{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}");
    }

    @Test
    void emptyValuesAreDroppedThenRoleAndContentDefaulted() throws Exception {
        var chunk = relay("""
                {"message":{"role":null,"content":null,"thinking":"","tool_calls":[]},"done":false,"done_reason":""}""");
        assertThat(Json.write(chunk)).isEqualTo("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false}");
    }

    @Test
    void thinkingIsKept() throws Exception {
        var chunk = relay("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}");
        assertThat(chunk.at("/message/thinking").textValue()).isEqualTo("hmm");
        assertThat(chunk.at("/message/content").textValue()).isEmpty();
    }

    @Test
    void toolCallsPassWithOrWithoutIdAndIndex() throws Exception {
        var chunk = relay("""
                {"message":{"role":"assistant","content":"","tool_calls":[
                  {"id":"call_k3b9x2q1","function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}},
                  {"function":{"name":"web_search","arguments":{"query":"q"}}}]},"done":false}""");
        assertThat(chunk.at("/message/tool_calls/0/function/arguments/city").textValue()).isEqualTo("Tokyo");
        assertThat(chunk.at("/message/tool_calls/0/id").textValue()).isEqualTo("call_k3b9x2q1");
        assertThat(chunk.at("/message/tool_calls/1/function/name").textValue()).isEqualTo("web_search");
    }

    @Test
    void finalChunkCarriesDoneReasonAndTheSixMetrics() throws Exception {
        var chunk = relay(FakeOllama.done("m"));
        assertThat(Json.write(chunk)).isEqualTo("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"total_duration\":182242375,\"load_duration\":41295167,"
                + "\"prompt_eval_count\":26,\"prompt_eval_duration\":24573166,\"eval_count\":3,\"eval_duration\":115959084}");
    }

    @Test
    void metricsOnANonFinalChunkAreNotForwarded() throws Exception {
        var chunk = relay("{\"message\":{\"content\":\"x\"},\"done\":false,\"eval_count\":3}");
        assertThat(chunk.has("eval_count")).isFalse();
    }

    @Test
    void aFinalChunkWithoutMetricsStaysMinimal() throws Exception {
        var chunk = relay("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}");
        assertThat(Json.write(chunk)).isEqualTo("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}");
    }
}

package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WireCodec#encodedBytes} counts exactly the bytes {@link WireCodec#encode(NodeMessage)} writes. */
class EncodedBytesTest {
    private static void exact(NodeMessage m) {
        assertThat(WireCodec.encodedBytes(m)).isEqualTo(WireCodec.encode(m).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void chunksWithEscapesNonAsciiMetricsAndReceiptsAreCountedExactly() throws Exception {
        var chunk = Json.object().put("done", false);
        chunk.putObject("message").put("role", "assistant").put("content", "\"quoted\" \\ tab\t nl\n ctl\u0001 é 漢 😀 <&>");
        exact(new NodeMessage.InferenceChunk("req-1", chunk));
        var last = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":123456789012,\"eval_count\":7}");
        exact(new NodeMessage.InferenceChunk("req-2", last, Json.object().put("signature", "ab".repeat(64)).put("nonce", "ü")));
    }

    @Test
    void embedResultsErrorsAndRegistrationsAreCountedExactly() {
        exact(new NodeMessage.EmbedResult("e-1", List.of(new float[] {0.1f, -2.5e-8f, 3.4028235e38f, 1f}, new float[] {-0f}), 12));
        exact(new NodeMessage.InferenceError("x", "ollama_unavailable"));
        exact(new NodeMessage.Register("n", List.of(ModelInfo.of("llama3.2:3b", 42)), 2, "0.12.6", null, List.of("embed"), NodeLimits.AGENT));
        exact(new NodeMessage.Heartbeat(null, 1, true));
    }
}

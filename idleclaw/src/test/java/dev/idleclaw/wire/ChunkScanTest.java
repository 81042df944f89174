package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.chat.OllamaJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan of plain chunk frames agrees with the full decoder on every frame it accepts, and leaves every other frame
 * (final chunks, tool calls, receipts, repeated keys, odd types, malformed or trailing JSON) to the full decoder.
 */
class ChunkScanTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"model\":\"m\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}}",
            "{\"type\": \"inference_chunk\", \"request_id\": \"r1\", \"chunk\": {\"message\": {\"role\": \"assistant\", \"content\": \"a\\nb\\u00e9\\\"\"}, \"done\": false}}",
            "{\"request_id\":\"r2\",\"chunk\":{\"message\":{\"content\":\"\",\"thinking\":\"hmm\"}},\"type\":\"inference_chunk\"}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r3\",\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r4\",\"chunk\":{\"message\":{\"images\":[1,{\"x\":[]}],\"content\":\"x\"},\"extra\":{\"a\":[1,2]}},\"more\":null}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r5\",\"chunk\":{\"message\":{\"content\":\"\uD83D\uDE00 ok\"}}}"
    })
    void aPlainChunkIsScannedToWhatTheFullDecoderReads(String frame) throws Exception {
        var piece = ChunkScan.piece(frame);
        assertThat(piece).as(frame).isNotNull();
        var full = (NodeMessage.InferenceChunk) WireCodec.decodeNode(frame);
        var chunk = OllamaJson.chunk(full.chunk());
        assertThat(OllamaJson.isDone(full.chunk())).isFalse();
        assertThat(full.receipt()).isNull();
        assertThat(chunk.toolCalls()).isEmpty();
        assertThat(piece.requestId()).isEqualTo(full.requestId());
        assertThat(piece.content()).isEqualTo(chunk.content());
        assertThat(piece.thinking()).isEqualTo(chunk.thinking());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // not plain chunks: decoded in full
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"content\":\"\"},\"done\":true}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"done\":\"true\"}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"done\":1}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"done\":null}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"tool_calls\":[]}}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{},\"receipt\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":\"text\"}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"content\":5}}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"thinking\":null}}}",
            // repeated keys: the full decoder's tree keeps the last one
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"request_id\":\"s\",\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"type\":\"inference_error\",\"request_id\":\"r\",\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{},\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"done\":false,\"done\":true}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"content\":\"a\",\"content\":\"b\"}}}",
            // violations the full decoder refuses
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\"}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":\"x\"}",
            "{\"type\":\"inference_chunk\",\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"\",\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":5,\"chunk\":{}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{}} trailing",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{}}{}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{\"message\":{\"content\":\"x\"}}",
            "{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{'message':1}}",
            "[\"inference_chunk\"]",
            // other types
            "{\"type\":\"inference_error\",\"request_id\":\"r\",\"error\":\"inference_chunk\"}",
            "{\"type\":\"heartbeat\",\"node_id\":\"n\"}"
    })
    void anythingElseIsLeftToTheFullDecoder(String frame) {
        assertThat(ChunkScan.piece(frame)).as(frame).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}",
            "{\"done\": false, \"message\": {\"content\": \"a\\nb\\u00e9\", \"thinking\": \"hmm\"}}",
            "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false}"
    })
    void aMembersPlainChunkLineIsScannedToWhatTheFullParseReads(String line) throws Exception {
        var texts = ChunkScan.memberLine(line);
        assertThat(texts).as(line).isNotNull();
        var chunk = OllamaJson.chunk(dev.idleclaw.json.Json.parse(line));
        assertThat(texts.content()).isEqualTo(chunk.content());
        assertThat(texts.thinking()).isEqualTo(chunk.thinking());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"message\":{\"content\":\"\"},\"done\":true,\"receipt\":{}}",
            "{\"message\":{\"content\":\"x\"}}",
            "{\"error\":\"timeout\"}",
            "{\"error\":\"timeout\",\"message\":{\"content\":\"x\"},\"done\":false}",
            "{\"refused\":{\"status\":400,\"message\":\"no\"},\"done\":false,\"message\":{}}",
            "{\"message\":{\"content\":\"x\"},\"done\":false,\"receipt\":{}}",
            "{\"message\":{\"content\":\"x\",\"tool_calls\":[]},\"done\":false}",
            "{\"message\":{\"content\":1},\"done\":false}",
            "{\"message\":{\"content\":\"x\"},\"done\":false,\"done\":false}",
            "{\"message\":{\"content\":\"x\"},\"done\":false} {}",
            "{\"message\":{\"content\":\"x\"},\"done\":false",
            "[1]"
    })
    void anyOtherMemberLineIsLeftToTheFullParse(String line) {
        assertThat(ChunkScan.memberLine(line)).as(line).isNull();
    }
}

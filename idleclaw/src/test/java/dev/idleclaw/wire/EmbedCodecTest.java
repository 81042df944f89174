package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedCodecTest {

    @Test
    void embedRequestsRoundTrip() throws Exception {
        var r = new HubMessage.EmbedRequest("r1", "m:latest", List.of("a", "b"), 8, false, Json.parse("\"5m\""),
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"num_ctx\":512}"));
        assertThat(WireCodec.decodeHub(WireCodec.encode(r))).isEqualTo(r);
        var bare = new HubMessage.EmbedRequest("r2", "m", List.of("a"), null, null, null, null);
        assertThat(WireCodec.encode(bare)).isEqualTo("{\"type\":\"embed_request\",\"request_id\":\"r2\",\"model\":\"m\",\"input\":[\"a\"]}");
        assertThat(WireCodec.decodeHub(WireCodec.encode(bare))).isEqualTo(bare);
    }

    @Test
    void embedResultsRoundTripAsFloats() throws Exception {
        var text = WireCodec.encode(new NodeMessage.EmbedResult("r1", List.of(new float[] {0.5f, -0.25f}), 3));
        assertThat(text).isEqualTo("{\"type\":\"embed_result\",\"request_id\":\"r1\",\"embeddings\":[[0.5,-0.25]],\"prompt_eval_count\":3}");
        var back = (NodeMessage.EmbedResult) WireCodec.decodeNode(text);
        assertThat(back.embeddings().getFirst()).containsExactly(0.5f, -0.25f);
        assertThat(back.promptEvalCount()).isEqualTo(3);
    }

    @Test
    void theRequesterAndTheReceiptTravelAsOptionalFields() throws Exception {
        var named = new HubMessage.EmbedRequest("r3", "m", List.of("a"), null, null, null, null, "lob1consumer");
        assertThat(WireCodec.encode(named)).endsWith(",\"requester\":\"lob1consumer\"}");
        assertThat(WireCodec.decodeHub(WireCodec.encode(named))).isEqualTo(named);

        var receipt = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"receipt\":{\"jobId\":\"r1\"},\"signature\":\"ab\"}");
        var text = WireCodec.encode(new NodeMessage.EmbedResult("r1", List.of(new float[] {1f}), 2, receipt));
        assertThat(text).endsWith(",\"prompt_eval_count\":2,\"receipt\":" + Json.write(receipt) + "}");
        assertThat(((NodeMessage.EmbedResult) WireCodec.decodeNode(text)).receipt()).isEqualTo(receipt);
        // Anything but an object is no receipt (the receipt desk never sees it), and the answer itself still counts.
        var odd = (NodeMessage.EmbedResult) WireCodec.decodeNode(
                "{\"type\":\"embed_result\",\"request_id\":\"r\",\"embeddings\":[[1]],\"receipt\":\"x\"}");
        assertThat(odd.receipt()).isNull();
        assertThat(odd.embeddings()).hasSize(1);
    }

    @Test
    void malformedEmbedFramesArePolicyViolations() {
        for (String bad : List.of(
                "{\"type\":\"embed_request\",\"request_id\":\"r\",\"model\":\"m\",\"input\":[]}",
                "{\"type\":\"embed_request\",\"request_id\":\"r\",\"model\":\"m\",\"input\":\"a\"}",
                "{\"type\":\"embed_request\",\"request_id\":\"r\",\"model\":\"m\",\"input\":[\"a\"],\"dimensions\":0}",
                "{\"type\":\"embed_request\",\"request_id\":\"r\",\"input\":[\"a\"]}")) {
            assertThatThrownBy(() -> WireCodec.decodeHub(bad)).as(bad).isInstanceOf(WireException.class);
        }
        for (String bad : List.of(
                "{\"type\":\"embed_result\",\"request_id\":\"r\",\"embeddings\":[]}",
                "{\"type\":\"embed_result\",\"request_id\":\"r\",\"embeddings\":[[\"x\"]]}",
                "{\"type\":\"embed_result\",\"request_id\":\"r\",\"embeddings\":[1]}")) {
            assertThatThrownBy(() -> WireCodec.decodeNode(bad)).as(bad).isInstanceOf(WireException.class);
        }
    }

    @Test
    void registerCarriesFeaturesAndOriginalRegistrationsHaveNone() throws Exception {
        var reg = new NodeMessage.Register("n", List.of(ModelInfo.of("m", 1)), 2, "v", null, List.of("embed"));
        assertThat(WireCodec.encode(reg)).contains("\"features\":[\"embed\"]");
        assertThat(((NodeMessage.Register) WireCodec.decodeNode(WireCodec.encode(reg))).serves("embed")).isTrue();
        var original = (NodeMessage.Register) WireCodec.decodeNode(
                "{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\",\"size\":1}]}");
        assertThat(original.features()).isEmpty();
        assertThat(WireCodec.encode(original)).doesNotContain("features");
        assertThatThrownBy(() -> WireCodec.decodeNode(
                "{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}],\"features\":\"embed\"}"))
                .isInstanceOf(WireException.class);
    }
}

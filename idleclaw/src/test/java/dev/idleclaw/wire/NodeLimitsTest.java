package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What nodes advertise they accept, on the wire and as the hub compares requests with it. */
class NodeLimitsTest {
    private static RequestSize size(int messages, int longest, long bytes) {
        return new RequestSize(messages, longest, bytes, 0);
    }

    @Test
    void eachLimitIsNamedInTheRefusal() {
        assertThat(NodeLimits.ORIGINAL.refusal(size(50, 10_000, 500_000))).isNull();
        assertThat(NodeLimits.ORIGINAL.refusal(size(51, 10, 100))).isEqualTo("51 messages (nodes accept at most 50)");
        assertThat(NodeLimits.ORIGINAL.refusal(size(1, 10_001, 100)))
                .isEqualTo("a message of 10001 characters (nodes accept at most 10000 per message)");
        assertThat(NodeLimits.ORIGINAL.refusal(size(1, 10, (1 << 20) - NodeLimits.ENVELOPE_BYTES + 1)))
                .isEqualTo("1044481 bytes (nodes accept requests of at most 1044480 bytes)");
        assertThat(NodeLimits.AGENT.refusal(size(120, 26_000, 300_000))).isNull();
    }

    @Test
    void anOriginalNodesRegistrationCarriesNoLimitsAndIsHeldToTheOriginals() throws Exception {
        var original = new NodeMessage.Register("n", List.of(ModelInfo.of("m:1", 1)), 2, "0.12.6");
        assertThat(WireCodec.encode(original)).doesNotContain("limits");
        var decoded = (NodeMessage.Register) WireCodec.decodeNode(WireCodec.encode(original));
        assertThat(decoded.limits()).isEqualTo(NodeLimits.ORIGINAL);
    }

    @Test
    void ourNodesLimitsAndContextLengthsRoundTrip() throws Exception {
        var model = new ModelInfo("m:1", 1, null, null, null, List.of("completion"), 32_768);
        var ours = new NodeMessage.Register("n", List.of(model), 2, "0.12.6", null, List.of("embed"), NodeLimits.AGENT);
        String text = WireCodec.encode(ours);
        assertThat(Json.parse(text).path("limits").toString())
                .isEqualTo("{\"max_messages\":1000,\"max_message_chars\":4000000,\"max_request_bytes\":16777216}");
        var decoded = (NodeMessage.Register) WireCodec.decodeNode(text);
        assertThat(decoded.limits()).isEqualTo(NodeLimits.AGENT);
        assertThat(decoded.models().getFirst().contextLength()).isEqualTo(32_768);
    }

    @Test
    void partialLimitsKeepTheOriginalsForWhatIsLeftOut() throws Exception {
        var decoded = (NodeMessage.Register) WireCodec.decodeNode("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}],"
                + "\"limits\":{\"max_messages\":200}}");
        assertThat(decoded.limits()).isEqualTo(new NodeLimits(200, 10_000, 1 << 20));
    }

    @Test
    void malformedLimitsOrContextLengthsAreAPolicyViolation() {
        for (String bad : List.of("\"limits\":[]", "\"limits\":{\"max_messages\":0}", "\"limits\":{\"max_messages\":\"many\"}",
                "\"limits\":{\"max_request_bytes\":1024}", "\"limits\":{\"max_message_chars\":1.5}")) {
            assertThatThrownBy(() -> WireCodec.decodeNode("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}]," + bad + "}"))
                    .isInstanceOf(WireException.class).hasMessageContaining("invalid limits");
        }
        assertThatThrownBy(() -> WireCodec.decodeNode("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\",\"context_length\":-1}]}"))
                .isInstanceOf(WireException.class).hasMessageContaining("invalid context_length");
    }

    @Test
    void aContributorCanOnlyLowerTheLimits() {
        assertThat(NodeLimits.AGENT.covers(new NodeLimits(50, 10_000, 1 << 20))).isTrue();
        assertThat(NodeLimits.AGENT.covers(new NodeLimits(2_000, 10_000, 1 << 20))).isFalse();
        assertThatThrownBy(() -> new NodeLimits(0, 1, 1 << 20)).hasMessageContaining("--max-messages");
    }
}

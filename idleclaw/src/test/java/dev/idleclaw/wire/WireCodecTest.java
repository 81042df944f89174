package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every message type both ways, and the wire rules (idleclaw-wire.md §4.2) with their close codes. */
class WireCodecTest {
    private static final String KEY = "a".repeat(64);

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void everyHubMessageSurvivesARoundTrip() throws Exception {
        ObjectNode params = obj("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<HubMessage> all = List.of(
                new HubMessage.Registered("node-1"),
                new HubMessage.InferenceRequest("r1", params),
                new HubMessage.InferenceRequest("r2", params, "lob1xyz"),
                new HubMessage.AuthChallenge("c".repeat(32), KEY),
                new HubMessage.CancelRequest("r3"));
        for (HubMessage m : all) assertThat(WireCodec.decodeHub(WireCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void theHubSideEncodesTheSpecsFieldNames() throws Exception {
        assertThat(WireCodec.encode(new HubMessage.Registered("n"))).isEqualTo("{\"type\":\"registered\",\"node_id\":\"n\"}");
        assertThat(WireCodec.encode(new HubMessage.InferenceRequest("r", obj("{\"model\":\"m\"}"))))
                .isEqualTo("{\"type\":\"inference_request\",\"request_id\":\"r\",\"ollama_params\":{\"model\":\"m\"}}");
        assertThat(WireCodec.encode(new HubMessage.InferenceRequest("r", obj("{}"), "k")))
                .isEqualTo("{\"type\":\"inference_request\",\"request_id\":\"r\",\"ollama_params\":{},\"requester\":\"k\"}");
        assertThat(WireCodec.encode(new HubMessage.CancelRequest("r"))).isEqualTo("{\"type\":\"cancel_request\",\"request_id\":\"r\"}");
        assertThat(WireCodec.encode(new HubMessage.AuthChallenge("c", "h")))
                .isEqualTo("{\"type\":\"auth_challenge\",\"challenge\":\"c\",\"hub_key\":\"h\"}");
        assertThat(WireCodec.encode(new HubMessage.Unknown("later"))).isEqualTo("{\"type\":\"later\"}");
    }

    @Test
    void everyNodeMessageSurvivesARoundTrip() throws Exception {
        var full = new ModelInfo("llama3.2:3b", 2_000_000_000L, "sha256:abc", "2026-01-01T00:00:00Z",
                obj("{\"family\":\"llama\"}"), List.of("completion", "tools"));
        List<NodeMessage> all = List.of(
                new NodeMessage.Register("node-1", List.of(full, ModelInfo.of("tiny", 0)), 4, "0.9.0"),
                new NodeMessage.Register("node-2", List.of(ModelInfo.of("m", 1)), 1, "0.9.0",
                        new NodeMessage.NodeAuth(KEY, 1_700_000_000_000L, "f".repeat(128))),
                new NodeMessage.Heartbeat("node-1", 3, false),
                new NodeMessage.InferenceChunk("r1", obj("{\"message\":{\"content\":\"hi\"},\"done\":false}")),
                new NodeMessage.InferenceChunk("r1", obj("{\"done\":true}"), obj("{\"receipt\":{},\"signature\":\"s\"}")),
                new NodeMessage.InferenceError("r2", "ollama_error"),
                new NodeMessage.Unknown("later"));
        for (NodeMessage m : all) assertThat(WireCodec.decodeNode(WireCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void aRegisterIsEncodedWithTheSpecsFieldNames() throws Exception {
        var reg = new NodeMessage.Register("n", List.of(ModelInfo.of("m", 5)), 2, "v",
                new NodeMessage.NodeAuth("k", 7, "s"));
        assertThat(WireCodec.encode(reg)).isEqualTo("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\",\"size\":5}],"
                + "\"max_concurrent\":2,\"ollama_version\":\"v\",\"auth\":{\"pubkey\":\"k\",\"timestamp\":7,\"signature\":\"s\"}}");
        assertThat(WireCodec.encode(new NodeMessage.InferenceError("r", "invalid_request")))
                .isEqualTo("{\"type\":\"inference_error\",\"request_id\":\"r\",\"error\":\"invalid_request\"}");
    }

    @Test
    void aHeartbeatWithoutFieldsSaysIdleAndAvailable() throws Exception {
        assertThat(WireCodec.encode(new NodeMessage.Heartbeat(null, null, null)))
                .isEqualTo("{\"type\":\"heartbeat\",\"node_id\":null,\"active_requests\":0,\"available\":true}");
        assertThat(WireCodec.decodeNode("{\"type\":\"heartbeat\"}")).isEqualTo(new NodeMessage.Heartbeat(null, null, null));
        assertThat(WireCodec.decodeNode("{\"type\":\"heartbeat\",\"active_requests\":\"2\",\"available\":\"yes\"}"))
                .isEqualTo(new NodeMessage.Heartbeat(null, null, null));
        assertThat(WireCodec.decodeNode("{\"type\":\"heartbeat\",\"active_requests\":1.5}"))
                .isEqualTo(new NodeMessage.Heartbeat(null, null, null));
        assertThat(WireCodec.decodeNode("{\"type\":\"heartbeat\",\"active_requests\":99999999999}"))
                .isEqualTo(new NodeMessage.Heartbeat(null, null, null));
        assertThat(WireCodec.decodeNode("{\"type\":\"heartbeat\",\"available\":true}"))
                .isEqualTo(new NodeMessage.Heartbeat(null, null, true));
    }

    @Test
    void anOriginalNodesRegisterGetsTheDefaults() throws Exception {
        var reg = (NodeMessage.Register) WireCodec.decodeNode(
                "{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}],\"max_concurrent\":null,\"auth\":null}");
        assertThat(reg).isEqualTo(new NodeMessage.Register("n", List.of(ModelInfo.of("m", 0)), WireLimits.DEFAULT_MAX_CONCURRENT, "unknown"));
    }

    @ParameterizedTest(name = "max_concurrent {0} -> {1}")
    @CsvSource({"0, 1", "-5, 1", "1, 1", "10, 10", "11, 10", "2147483647, 10"})
    void maxConcurrentIsClampedToOneToTen(int claimed, int kept) throws Exception {
        var reg = (NodeMessage.Register) WireCodec.decodeNode(
                "{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}],\"max_concurrent\":" + claimed + "}");
        assertThat(reg.maxConcurrent()).isEqualTo(kept);
    }

    @Test
    void aModelKeepsOnlyTextCapabilitiesOfLabelLength() throws Exception {
        var reg = (NodeMessage.Register) WireCodec.decodeNode("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\","
                + "\"capabilities\":[\"tools\",7,\"" + "c".repeat(65) + "\",\"" + "d".repeat(64) + "\"],\"details\":\"flat\"}]}");
        assertThat(reg.models().getFirst().capabilities()).containsExactly("tools", "d".repeat(64));
        assertThat(reg.models().getFirst().details()).isNull();
    }

    @Test
    void labelsOfExactlyTheLimitAndTwentyModelsAreAccepted() throws Exception {
        String name = "m".repeat(WireLimits.MAX_ID_CHARS);
        var models = new StringBuilder();
        for (int i = 0; i < WireLimits.MAX_MODELS_PER_NODE; i++) models.append(i == 0 ? "" : ",").append("{\"name\":\"").append(name).append("\"}");
        var reg = (NodeMessage.Register) WireCodec.decodeNode("{\"type\":\"register\",\"node_id\":\"" + name + "\",\"models\":[" + models
                + "],\"ollama_version\":\"" + name + "\"}");
        assertThat(reg.nodeId()).isEqualTo(name);
        assertThat(reg.models()).hasSize(WireLimits.MAX_MODELS_PER_NODE);
        assertThat(reg.ollamaVersion()).isEqualTo(name);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"node_id":"n","models":[{"name":"m"}]}                                           | missing message type
            {"type":7}                                                                        | missing message type
            {"type":"register","models":[{"name":"m"}]}                                       | invalid node_id
            {"type":"register","node_id":7,"models":[{"name":"m"}]}                           | invalid node_id
            {"type":"register","node_id":"","models":[{"name":"m"}]}                          | invalid node_id
            {"type":"register","node_id":"n"}                                                 | no models provided
            {"type":"register","node_id":"n","models":{}}                                     | no models provided
            {"type":"register","node_id":"n","models":[]}                                     | no models provided
            {"type":"register","node_id":"n","models":["m"]}                                  | invalid model name
            {"type":"register","node_id":"n","models":[{}]}                                   | invalid model name
            {"type":"register","node_id":"n","models":[{"name":5}]}                           | invalid model name
            {"type":"register","node_id":"n","models":[{"name":""}]}                          | invalid model name
            {"type":"register","node_id":"n","models":[{"name":"m","size":-1}]}               | invalid model size
            {"type":"register","node_id":"n","models":[{"name":"m","size":1.5}]}              | invalid model size
            {"type":"register","node_id":"n","models":[{"name":"m","size":"1"}]}              | invalid model size
            {"type":"register","node_id":"n","models":[{"name":"m","size":1e30}]}             | invalid model size
            {"type":"register","node_id":"n","models":[{"name":"m","size":99999999999999999999}]} | invalid model size
            {"type":"register","node_id":"n","models":[{"name":"m"}],"max_concurrent":"2"}    | invalid max_concurrent
            {"type":"register","node_id":"n","models":[{"name":"m"}],"max_concurrent":2.5}    | invalid max_concurrent
            {"type":"register","node_id":"n","models":[{"name":"m"}],"max_concurrent":99999999999} | invalid max_concurrent
            {"type":"register","node_id":"n","models":[{"name":"m"}],"ollama_version":1}      | invalid ollama_version
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":"x"}              | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"signature":"s","timestamp":1}} | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"pubkey":"k","timestamp":1}}    | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"pubkey":"k","signature":"s"}}  | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"pubkey":"k","signature":"s","timestamp":"1"}} | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"pubkey":"k","signature":"s","timestamp":1.5}} | invalid auth
            {"type":"register","node_id":"n","models":[{"name":"m"}],"auth":{"pubkey":"k","signature":"s","timestamp":99999999999999999999}} | invalid auth
            {"type":"heartbeat","node_id":5}                                                  | invalid node_id
            {"type":"inference_chunk","request_id":"r"}                                       | invalid inference_chunk
            {"type":"inference_chunk","request_id":"r","chunk":"x"}                           | invalid inference_chunk
            {"type":"inference_chunk","chunk":{}}                                             | invalid request_id
            {"type":"inference_chunk","request_id":"","chunk":{}}                             | invalid request_id
            {"type":"inference_chunk","request_id":5,"chunk":{}}                              | invalid request_id
            {"type":"inference_error","error":"x"}                                            | invalid request_id
            """)
    void aNodeBreakingAWireRuleIsClosedWithPolicyViolation(String json, String reason) {
        var e = catchThrowableOfType(WireException.class, () -> WireCodec.decodeNode(json));
        assertThat(e).as(json).isNotNull();
        assertThat(e.closeCode()).isEqualTo(WireException.POLICY);
        assertThat(e.reason()).isEqualTo(reason);
    }

    @Test
    void labelsAndModelListsOverTheLimitsAreRefused() {
        String tooLong = "x".repeat(WireLimits.MAX_ID_CHARS + 1);
        assertPolicy("{\"type\":\"register\",\"node_id\":\"" + tooLong + "\",\"models\":[{\"name\":\"m\"}]}", "invalid node_id");
        assertPolicy("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"" + tooLong + "\"}]}", "invalid model name");
        assertPolicy("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[{\"name\":\"m\"}],\"ollama_version\":\"" + tooLong + "\"}",
                "invalid ollama_version");
        var models = new StringBuilder();
        for (int i = 0; i <= WireLimits.MAX_MODELS_PER_NODE; i++) models.append(i == 0 ? "" : ",").append("{\"name\":\"m").append(i).append("\"}");
        assertPolicy("{\"type\":\"register\",\"node_id\":\"n\",\"models\":[" + models + "]}", "too many models");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"node_id":"n"}                                           | missing message type
            {"type":"inference_request","request_id":"r"}             | invalid inference_request
            {"type":"inference_request","request_id":"r","ollama_params":[]} | invalid inference_request
            {"type":"inference_request","ollama_params":{}}           | invalid request_id
            {"type":"cancel_request"}                                 | invalid request_id
            {"type":"auth_challenge","hub_key":"h"}                   | invalid auth_challenge
            {"type":"auth_challenge","challenge":"c"}                 | invalid auth_challenge
            {"type":"auth_challenge","challenge":"c","hub_key":5}     | invalid auth_challenge
            """)
    void aHubBreakingAWireRuleIsAPolicyViolation(String json, String reason) {
        var e = catchThrowableOfType(WireException.class, () -> WireCodec.decodeHub(json));
        assertThat(e).as(json).isNotNull();
        assertThat(e.closeCode()).isEqualTo(WireException.POLICY);
        assertThat(e.reason()).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json               | invalid JSON
            {"type":               | invalid JSON
            []                     | expected a JSON object
            "register"             | expected a JSON object
            42                     | expected a JSON object
            """)
    void textThatIsNotAJsonObjectIsInvalidPayloadBothWays(String text, String reason) {
        for (var side : List.<ThrowingDecode>of(WireCodec::decodeNode, WireCodec::decodeHub)) {
            var e = catchThrowableOfType(WireException.class, () -> side.decode(text));
            assertThat(e).as(text).isNotNull();
            assertThat(e.closeCode()).isEqualTo(WireException.BAD_PAYLOAD);
            assertThat(e.reason()).isEqualTo(reason);
        }
    }

    @Test
    void unknownTypesAreIgnoredNotErrors() throws Exception {
        assertThat(WireCodec.decodeNode("{\"type\":\"telemetry\",\"x\":1}")).isEqualTo(new NodeMessage.Unknown("telemetry"));
        assertThat(WireCodec.decodeHub("{\"type\":\"shutdown\"}")).isEqualTo(new HubMessage.Unknown("shutdown"));
    }

    @Test
    void aMissingErrorTextIsUnknownAndANonObjectReceiptIsDropped() throws Exception {
        assertThat(WireCodec.decodeNode("{\"type\":\"inference_error\",\"request_id\":\"r\",\"error\":5}"))
                .isEqualTo(new NodeMessage.InferenceError("r", "unknown"));
        assertThat(WireCodec.decodeNode("{\"type\":\"inference_chunk\",\"request_id\":\"r\",\"chunk\":{},\"receipt\":\"x\"}"))
                .isEqualTo(new NodeMessage.InferenceChunk("r", obj("{}")));
        assertThat(WireCodec.decodeHub("{\"type\":\"registered\"}")).isEqualTo(new HubMessage.Registered(null));
    }

    @Test
    void theNodeAuthMessageBindsChallengeHubNodeAndTime() {
        assertThat(new String(NodeMessage.NodeAuth.message("c", "h", "n", 5), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("idleclaw-node-auth-v1\nc\nh\nn\n5");
    }

    @Test
    void theCloseCodesAreTheWebSocketOnes() {
        assertThat(List.of(WireException.POLICY, WireException.UNSUPPORTED, WireException.BAD_PAYLOAD)).containsExactly(1008, 1003, 1007);
        assertThat(new WireException(WireException.UNSUPPORTED, "binary frame").reason()).isEqualTo("binary frame");
    }

    private static void assertPolicy(String json, String reason) {
        var e = catchThrowableOfType(WireException.class, () -> WireCodec.decodeNode(json));
        assertThat(e).as(json).isNotNull();
        assertThat(e.closeCode()).isEqualTo(WireException.POLICY);
        assertThat(e.reason()).isEqualTo(reason);
    }

    @FunctionalInterface
    private interface ThrowingDecode {
        Object decode(String text) throws WireException;
    }
}

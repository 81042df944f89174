package dev.idleclaw.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.Signatures;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.wire.NodeMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Field lookup by string scan in the hub's messages; the fleet's message templates and WebSocket frames; an
 * authenticated node's auth object and receipts, checked with the product's own verification.
 */
class FleetWireTest {
    @Test
    void findsTopLevelStringFields() {
        String m = "{\"type\":\"inference_request\",\"request_id\":\"abc-1\",\"ollama_params\":{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"\\\"type\\\"\"}]}}";
        assertThat(Scan.stringField(m, "type")).isEqualTo("inference_request");
        assertThat(Scan.stringField(m, "request_id")).isEqualTo("abc-1");
        assertThat(Scan.stringField("{ \"type\" : \"cancel_request\" }", "type")).isEqualTo("cancel_request");
        assertThat(Scan.stringField("{\"type\":1}", "type")).isNull();
        assertThat(Scan.stringField("{}", "type")).isNull();
    }

    @Test
    void countsPromptCharactersAsTheHubDoesEscapesIncluded() {
        String m = "{\"type\":\"inference_request\",\"request_id\":\"r\",\"ollama_params\":{\"model\":\"x\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\" : \"say \\\"hi\\\"\\n\\u00e9\"}]}}";
        // "be brief" = 8, then say "hi" newline é = 4 + 4 + 1 + 1 = 10 (as decoded by the hub)
        assertThat(Scan.stringValueChars(m, "content")).isEqualTo(18);
        assertThat(Scan.stringValueChars("{\"content\":1}", "content")).isZero();
        assertThat(Scan.stringValueChars("{}", "content")).isZero();
    }

    @Test
    void anAuthenticatedNodeSignsItsRegistrationAndAReceiptTheProductVerifies() throws Exception {
        var signer = Signer.generate();
        String register = text(Frames.register("n1", "m", 2, signer.auth("00ff", "lob1hub", "n1")));
        JsonNode auth = dev.idleclaw.json.Json.parse(register).get("auth");
        assertThat(auth.get("pubkey").textValue()).isEqualTo(signer.publicKey());
        assertThat(Signatures.verify(signer.publicKey(), NodeMessage.NodeAuth.message("00ff", "lob1hub", "n1", auth.get("timestamp").longValue()),
                auth.get("signature").textValue())).isTrue();

        String done = text(Frames.done("r1", 3, 7, 5_000_000, signer.receipt("r1", "lob1consumer", "m", 7, 3, 1_000)));
        JsonNode frame = dev.idleclaw.json.Json.parse(done);
        assertThat(frame.path("chunk").path("eval_count").asLong()).isEqualTo(3);
        SignedReceipt signed = SignedReceipt.fromJson(frame.get("receipt"));
        assertThat(signed.signatureValid()).isTrue();
        assertThat(signed.receipt()).extracting(Receipt::jobId, Receipt::requesterPubkey, Receipt::workerPubkey, Receipt::model,
                Receipt::inputTokens, Receipt::outputTokens, Receipt::startedAt).containsExactly("r1", "lob1consumer", signer.publicKey(), "m", 7L, 3L, 1_000L);
        assertThat(SignedReceipt.fromJson(dev.idleclaw.json.Json.parse(signer.receipt("r2", null, "m", 0, 1, 1))).receipt().requesterPubkey())
                .as("no requester on the request").isEqualTo(Receipt.ANONYMOUS);
    }

    @Test
    void framesAreTheProtocolsShapes() {
        String chunk = text(Frames.CHUNK_HEAD) + "r1" + text(Frames.CHUNK_TAIL);
        assertThat(chunk).isEqualTo("{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"tok \"},\"done\":false}}");
        assertThat(text(Frames.done("r1", 3, 7, 5_000_000))).startsWith("{\"type\":\"inference_chunk\",\"request_id\":\"r1\",\"chunk\":{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true")
                .contains("\"eval_count\":3", "\"prompt_eval_count\":7").endsWith("}}");
        assertThat(text(Frames.register("n1", "m", 2))).contains("\"node_id\":\"n1\"", "\"max_concurrent\":2", "\"name\":\"m\"");
    }

    @Test
    void maskedFramesDecodeBackToTheirPayload() {
        for (int size : new int[] {0, 5, 125, 126, 65535, 65536}) {
            byte[] a = new byte[size / 2], b = new byte[size - size / 2];
            java.util.Arrays.fill(a, (byte) 'x');
            java.util.Arrays.fill(b, (byte) 'y');
            var buf = ByteBuffer.allocate(WsCodec.frameSize(size));
            WsCodec.write(buf, WsCodec.TEXT, 0x12345678, a, b);
            assertThat(buf.hasRemaining()).as("frameSize is exact for " + size).isFalse();
            buf.flip();
            var partial = buf.duplicate().limit(Math.min(buf.limit(), 1));
            assertThat(WsCodec.header(partial)).isNull();
            var h = WsCodec.header(buf);
            assertThat(h.fin()).isTrue();
            assertThat(h.opcode()).isEqualTo(WsCodec.TEXT);
            assertThat(h.frameLength()).isEqualTo(buf.remaining());
            byte[] payload = WsCodec.payload(buf, h);
            assertThat(text(payload)).isEqualTo("x".repeat(a.length) + "y".repeat(b.length));
            assertThat(buf.hasRemaining()).isFalse();
        }
    }

    @Test
    void eachNodeGetsItsOwnLoopbackSourceAddressLeaving127001ToTheConsumers() {
        assertThat(Fleet.loopbackSource(0).getAddress().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(Fleet.loopbackSource(1).getAddress().getHostAddress()).isEqualTo("127.0.0.3");
        assertThat(Fleet.loopbackSource(300).getAddress().getHostAddress()).isEqualTo("127.0.1.46");
        assertThat(Fleet.loopbackSource(99_999).getAddress().getHostAddress()).isEqualTo("127.1.134.161");
        assertThat(Fleet.loopbackSource(7).getPort()).isZero();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spec's vectors (lobstah-wire.md, vectors/lobstah-vectors.json), made with an independent Ed25519
 * implementation (Python's cryptography): our canonical bytes and signatures must match byte for byte.
 */
class LobstahVectorsTest {
    private static JsonNode v;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = LobstahVectorsTest.class.getResourceAsStream("/vectors/lobstah-vectors.json")) {
            v = Json.parse(in.readAllBytes());
        }
    }

    private static Identity identity(String who) {
        return Identity.fromSeedHex(v.path(who).path("seedHex").textValue());
    }

    @Test
    void seedsGiveTheVectorsPublicKeys() {
        assertThat(identity("worker").publicKey()).isEqualTo(v.path("worker").path("publicKey").textValue());
        assertThat(identity("requester").publicKey()).isEqualTo(v.path("requester").path("publicKey").textValue());
    }

    @Test
    void receiptCanonicalFormAndSignatureMatchByteForByte() throws Exception {
        for (String name : new String[] {"receipt", "receiptUnicode"}) {
            JsonNode r = v.path(name);
            Receipt receipt = Receipt.fromJson(r.path("object"));
            assertThat(Canonical.text(receipt.toJson())).as(name).isEqualTo(r.path("canonical").textValue());
            SignedReceipt signed = SignedReceipt.sign(receipt, identity("worker"));
            assertThat(signed.signature()).as(name).isEqualTo(r.path("signature").textValue());
            assertThat(signed.signatureValid()).isTrue();
        }
    }

    @Test
    void receiptWireFormsMatch() throws Exception {
        JsonNode r = v.path("receipt");
        SignedReceipt signed = SignedReceipt.fromBase64(r.path("headerBase64").textValue());
        assertThat(signed.signatureValid()).isTrue();
        assertThat(signed.toBase64()).isEqualTo(r.path("headerBase64").textValue());
        assertThat(Json.write(signed.toJson())).isEqualTo(r.path("wireJson").textValue());
        assertThat(r.path("sseComment").textValue()).isEqualTo(":lobstah-receipt:" + signed.toBase64());
    }

    @Test
    void announcementCanonicalFormAndSignatureMatch() {
        JsonNode a = v.path("announcement");
        assertThat(Canonical.text(a.path("object"))).isEqualTo(a.path("canonical").textValue());
        assertThat(identity("worker").sign(Canonical.bytes(a.path("object")))).isEqualTo(a.path("signature").textValue());
        assertThat(Signatures.verify(a.path("object").path("pubkey").textValue(),
                a.path("canonical").textValue().getBytes(StandardCharsets.UTF_8), a.path("signature").textValue())).isTrue();
    }

    @Test
    void unannounceSignatureMatches() {
        JsonNode u = v.path("unannounce");
        byte[] message = u.path("message").textValue().getBytes(StandardCharsets.UTF_8);
        assertThat(identity("worker").sign(message)).isEqualTo(u.path("signature").textValue());
    }

    @Test
    void theTamperedReceiptFailsVerification() throws Exception {
        JsonNode t = v.path("tampered");
        var signed = new SignedReceipt(Receipt.fromJson(t.path("object")), t.path("signature").textValue());
        assertThat(signed.signatureValid()).isFalse();
    }

    @Test
    void theSpecsOriginalWorkerLedgerLineVerifies() throws Exception {
        String line = "{\"receipt\":{\"version\":1,\"jobId\":\"1fab2f08-a7ed-46cf-9bbc-eeebf435a60e\",\"nonce\":\"f2482dbadab07ef98076f56047aa9b03\",\"requesterPubkey\":\"lob14ab6f2b0d15d9139264edeba7e4c73c1238767376ab604524636ba1c5228f676\",\"workerPubkey\":\"lob1a6c6242feb165afce937972b67124dd57643aaba5589fef42888121f07b3401b\",\"model\":\"llama3.1:8b\",\"inputTokens\":10,\"outputTokens\":6,\"startedAt\":1795264709740,\"completedAt\":1795264709743},\"signature\":\"c281aa69d30788bcd6864eacfb19d2e523caa9a9f0f63d7dc54ae5316988c186928b8788f7d6a2bf64e8409a79e3fc81d7ad9496b58328b7985c4c896ddf8700\"}";
        assertThat(SignedReceipt.fromJson(Json.parse(line)).signatureValid()).isTrue();
    }

    @Test
    void malformedKeysAndSignaturesAreJustInvalid() {
        byte[] m = "x".getBytes(StandardCharsets.UTF_8);
        String sig = identity("worker").sign(m);
        String key = identity("worker").publicKey();
        assertThat(Signatures.verify(key, m, sig)).isTrue();
        assertThat(Signatures.verify(key.toUpperCase(), m, sig)).isFalse();
        assertThat(Signatures.verify("lob1" + "ff".repeat(32), m, sig)).isFalse();
        assertThat(Signatures.verify(key, m, sig.substring(2))).isFalse();
        assertThat(Signatures.verify(key, m, null)).isFalse();
        assertThat(PublicKeys.valid("LOB1" + key.substring(4))).isFalse();
    }
}

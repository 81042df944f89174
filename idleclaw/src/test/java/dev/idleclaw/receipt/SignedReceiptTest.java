package dev.idleclaw.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The receipt's wire form (lobstah-wire.md §4): strict reading, signing by the worker only, base64 transport. */
class SignedReceiptTest {
    private static final Identity WORKER = Identity.generate();

    private static Receipt receipt(Identity worker) {
        return new Receipt(Receipt.VERSION, "job-1", "0".repeat(32), Receipt.ANONYMOUS, worker.publicKey(), "m", 12, 30,
                1_700_000_000_000L, 1_700_000_001_000L);
    }

    @Test
    void theJsonIsTheWiresTenFieldsInOrder() {
        var r = receipt(WORKER);
        assertThat(Json.write(r.toJson())).isEqualTo("{\"version\":1,\"jobId\":\"job-1\",\"nonce\":\"" + "0".repeat(32)
                + "\",\"requesterPubkey\":\"anonymous\",\"workerPubkey\":\"" + WORKER.publicKey() + "\",\"model\":\"m\","
                + "\"inputTokens\":12,\"outputTokens\":30,\"startedAt\":1700000000000,\"completedAt\":1700000001000}");
        assertThat(r.tokens()).isEqualTo(42);
    }

    @Test
    void aReceiptSurvivesJsonAndBase64() throws Exception {
        var signed = SignedReceipt.sign(receipt(WORKER), WORKER);
        assertThat(signed.signatureValid()).isTrue();
        assertThat(SignedReceipt.fromJson(signed.toJson())).isEqualTo(signed);
        assertThat(SignedReceipt.fromBase64(signed.toBase64())).isEqualTo(signed);
    }

    @Test
    void base64WithoutPaddingOrWithLineBreaksIsRead() throws Exception {
        var signed = SignedReceipt.sign(receipt(WORKER), WORKER);
        String b64 = signed.toBase64().replace("=", "");
        String wrapped = b64.substring(0, 10) + "\n " + b64.substring(10);
        assertThat(SignedReceipt.fromBase64(b64)).isEqualTo(signed);
        assertThat(SignedReceipt.fromBase64(wrapped)).isEqualTo(signed);
    }

    @Test
    void onlyTheWorkerNamedInTheReceiptMaySignIt() {
        assertThatThrownBy(() -> SignedReceipt.sign(receipt(WORKER), Identity.generate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerPubkey");
    }

    @Test
    void anyChangedFieldBreaksTheSignature() throws Exception {
        var signed = SignedReceipt.sign(receipt(WORKER), WORKER);
        ObjectNode json = signed.toJson();
        ((ObjectNode) json.get("receipt")).put("outputTokens", 3000);
        assertThat(SignedReceipt.fromJson(json).signatureValid()).isFalse();
    }

    @Test
    void aVersion99ReceiptIsMalformedEvenWhenSignedByItsWorker() {
        var v99 = new Receipt(99, "job-1", "0".repeat(32), Receipt.ANONYMOUS, WORKER.publicKey(), "m", 1, 1, 1, 2);
        var json = SignedReceipt.sign(v99, WORKER).toJson();
        assertMalformed(json);
        ((ObjectNode) json.get("receipt")).put("version", 0);
        assertMalformed(json);
    }

    @Test
    void anExtraFieldIsMalformedEvenWhenTheSignatureCoversIt() {
        ObjectNode inner = receipt(WORKER).toJson().put("bonus", 1_000_000);
        var json = Json.object();
        json.set("receipt", inner);
        json.put("signature", WORKER.sign(dev.idleclaw.identity.Canonical.bytes(inner)));
        assertMalformed(json);
    }

    @Test
    void aMissingFieldIsMalformed() {
        var json = SignedReceipt.sign(receipt(WORKER), WORKER).toJson();
        ((ObjectNode) json.get("receipt")).remove("model");
        assertMalformed(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "jobId", "nonce", "requesterPubkey", "workerPubkey", "model", "inputTokens",
            "outputTokens", "startedAt", "completedAt"})
    void everyFieldMustHaveItsType(String field) {
        var json = SignedReceipt.sign(receipt(WORKER), WORKER).toJson();
        var inner = (ObjectNode) json.get("receipt");
        boolean textual = inner.get(field).isTextual();
        if (textual) inner.put(field, 7);
        else inner.put(field, "7");
        assertMalformed(json);
        if (!textual) {
            inner.put(field, 1.5);
            assertMalformed(json);
            inner.set(field, Json.MAPPER.getNodeFactory().numberNode(new java.math.BigInteger("99999999999999999999")));
            assertMalformed(json);
        }
    }

    @Test
    void theEnvelopeMustHoldAnObjectAndATextSignature() throws Exception {
        var json = SignedReceipt.sign(receipt(WORKER), WORKER).toJson();
        assertMalformed(Json.parse("[]"));
        assertMalformed(json.deepCopy().put("signature", 5));
        assertMalformed(json.deepCopy().without("signature"));
        var arrayReceipt = json.deepCopy();
        arrayReceipt.set("receipt", Json.array());
        assertMalformed(arrayReceipt);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%%%not base64", "bm90IGpzb24", "W10"})
    void unreadableBase64IsMalformed(String b64) {
        assertThatThrownBy(() -> SignedReceipt.fromBase64(b64)).isInstanceOfSatisfying(ReceiptException.class,
                e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.MALFORMED));
    }

    @Test
    void theBase64IsTheStandardAlphabetOfTheJsonText() throws Exception {
        var signed = SignedReceipt.sign(receipt(WORKER), WORKER);
        String text = new String(Base64.getDecoder().decode(signed.toBase64()), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo(Json.write(signed.toJson()));
    }

    @Test
    void reasonsCarryTheirLabels() {
        assertThat(new ReceiptException(ReceiptException.Reason.REPLAY).getMessage()).isEqualTo("nonce replay");
        assertThat(ReceiptException.Reason.WRONG_WORKER.label).isEqualTo("worker key mismatch");
    }

    private static void assertMalformed(com.fasterxml.jackson.databind.JsonNode json) {
        assertThatThrownBy(() -> SignedReceipt.fromJson(json)).isInstanceOfSatisfying(ReceiptException.class,
                e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.MALFORMED));
    }
}

package dev.idleclaw.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Canonical;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Signatures;
import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code {"receipt":…,"signature":"<128 hex>"}}: a receipt and the worker's Ed25519 signature over its canonical
 * JSON. Travels as base64 of its JSON text (standard alphabet; decoding tolerates missing padding and whitespace).
 */
public record SignedReceipt(Receipt receipt, String signature) {

    /** Signs {@code receipt} with {@code worker} (whose key must be the receipt's {@code workerPubkey}). */
    public static SignedReceipt sign(Receipt receipt, Identity worker) {
        if (!worker.publicKey().equals(receipt.workerPubkey())) throw new IllegalArgumentException("workerPubkey is not the signer's key");
        return new SignedReceipt(receipt, worker.sign(Canonical.bytes(receipt.toJson())));
    }

    /** True when the signature verifies with the key inside the receipt. */
    public boolean signatureValid() {
        return Signatures.verify(receipt.workerPubkey(), Canonical.bytes(receipt.toJson()), signature);
    }

    public ObjectNode toJson() {
        var o = Json.object();
        o.set("receipt", receipt.toJson());
        o.put("signature", signature);
        return o;
    }

    /** base64(UTF-8(JSON)). */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(Json.write(toJson()).getBytes(StandardCharsets.UTF_8));
    }

    public static SignedReceipt fromJson(JsonNode n) throws ReceiptException {
        if (!(n instanceof ObjectNode o) || !(o.get("signature") instanceof JsonNode sig) || !sig.isTextual()) {
            throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        }
        return new SignedReceipt(Receipt.fromJson(o.get("receipt")), sig.textValue());
    }

    /** Decodes the base64 wire form; anything unreadable is {@link ReceiptException.Reason#MALFORMED}. */
    public static SignedReceipt fromBase64(String b64) throws ReceiptException {
        try {
            String clean = b64.replaceAll("\\s", "").replace("=", "");
            byte[] json = Base64.getDecoder().decode(clean + "=".repeat((4 - clean.length() % 4) % 4));
            return fromJson(Json.parse(json));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        }
    }
}

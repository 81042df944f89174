package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Signatures;
import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * A worker's signed withdrawal (lobstah-wire.md §5): {@code {"pubkey","timestamp","signature"}}, the signature being
 * Ed25519 over the UTF-8 text {@code unannounce:<pubkey>:<timestamp>} (decimal milliseconds).
 */
public record Unannounce(String pubkey, long timestamp, String signature) {

    /** A withdrawal signed by {@code signer} at {@code timestampMillis}. */
    public static Unannounce sign(Identity signer, long timestampMillis) {
        return new Unannounce(signer.publicKey(), timestampMillis, signer.sign(message(signer.publicKey(), timestampMillis)));
    }

    /** The signed bytes. */
    public static byte[] message(String pubkey, long timestamp) {
        return ("unannounce:" + pubkey + ":" + timestamp).getBytes(StandardCharsets.UTF_8);
    }

    public boolean signatureValid() {
        return Signatures.verify(pubkey, message(pubkey, timestamp), signature);
    }

    /** True when {@code timestamp} is within ±5 min of {@code nowMillis} (otherwise the tracker answers {@code stale}). */
    public boolean fresh(long nowMillis) {
        return Math.abs(nowMillis - timestamp) <= Announcement.MAX_SKEW_MILLIS;
    }

    public ObjectNode toJson() {
        return Json.object().put("pubkey", pubkey).put("timestamp", timestamp).put("signature", signature);
    }

    /** Reads the body strictly: a string key, an integer timestamp, a string signature. */
    public static Unannounce fromJson(JsonNode n) throws AnnounceFormatException {
        if (!(n instanceof ObjectNode o)) throw new AnnounceFormatException("body is not an object");
        JsonNode key = o.get("pubkey"), sig = o.get("signature");
        if (key == null || !key.isTextual() || sig == null || !sig.isTextual()) {
            throw new AnnounceFormatException("pubkey and signature must be strings");
        }
        long ts = Announcement.integer(o, "timestamp");
        if (ts < 0) throw new AnnounceFormatException("timestamp must be epoch milliseconds");
        return new Unannounce(key.textValue(), ts, sig.textValue());
    }
}

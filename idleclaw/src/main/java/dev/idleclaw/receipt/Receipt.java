package dev.idleclaw.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;

/**
 * What a worker (our node, a Lobstah worker) signs after serving one request (lobstah-wire.md §4). Fields and
 * their JSON order are the wire's; {@code requesterPubkey} is a {@code lob1…} key or {@link #ANONYMOUS}.
 */
public record Receipt(int version, String jobId, String nonce, String requesterPubkey, String workerPubkey,
                      String model, long inputTokens, long outputTokens, long startedAt, long completedAt) {

    /** The requester of a request that proved no key. */
    public static final String ANONYMOUS = "anonymous";
    public static final int VERSION = 1;

    /** Total credit the receipt moves: 1 token = 1 credit. */
    public long tokens() {
        return inputTokens + outputTokens;
    }

    /** The JSON object in wire order (the signature covers its canonical form). */
    public ObjectNode toJson() {
        return Json.object().put("version", version).put("jobId", jobId).put("nonce", nonce)
                .put("requesterPubkey", requesterPubkey).put("workerPubkey", workerPubkey).put("model", model)
                .put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                .put("startedAt", startedAt).put("completedAt", completedAt);
    }

    /**
     * Reads a receipt object; any missing field or wrong type is a {@link ReceiptException} ("malformed receipt").
     * Extra fields are refused too: the signature must cover exactly what we store.
     */
    public static Receipt fromJson(JsonNode n) throws ReceiptException {
        if (!(n instanceof ObjectNode o) || o.size() != 10) throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        return new Receipt(integer(o, "version"), text(o, "jobId"), text(o, "nonce"), text(o, "requesterPubkey"),
                text(o, "workerPubkey"), text(o, "model"), number(o, "inputTokens"), number(o, "outputTokens"),
                number(o, "startedAt"), number(o, "completedAt"));
    }

    private static String text(ObjectNode o, String f) throws ReceiptException {
        JsonNode v = o.get(f);
        if (v == null || !v.isTextual()) throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        return v.textValue();
    }

    private static long number(ObjectNode o, String f) throws ReceiptException {
        JsonNode v = o.get(f);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        return v.longValue();
    }

    private static int integer(ObjectNode o, String f) throws ReceiptException {
        long v = number(o, f);
        if (v != VERSION) throw new ReceiptException(ReceiptException.Reason.MALFORMED);
        return (int) v;
    }
}

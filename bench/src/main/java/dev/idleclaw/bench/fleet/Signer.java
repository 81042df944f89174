package dev.idleclaw.bench.fleet;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.wire.NodeMessage;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One authenticated fleet node's Ed25519 key: it answers the hub's one-time challenge at registration and signs one
 * receipt per completed request, built exactly as the real node builds it ({@code InferenceJob#receipt}). It uses the
 * product's own {@link Identity}, {@link Receipt} and {@link SignedReceipt}, so what the fleet signs is what the hub
 * verifies. Runs on the fleet's loop thread, once per registration and once per request: never per token.
 */
final class Signer {
    /** Receipt nonce size, as the real node's: 16 random bytes, 32 hex. */
    private static final int NONCE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final Identity identity;

    Signer(Identity identity) {
        this.identity = identity;
    }

    /** A node with a fresh random key. */
    static Signer generate() {
        return new Signer(Identity.generate());
    }

    String publicKey() {
        return identity.publicKey();
    }

    /**
     * The {@code auth} object of {@code register}: the signature over this connection's {@code challenge}, the hub's
     * key, the node id and the time (docs/protocol.md "Node authentication").
     */
    String auth(String challenge, String hubKey, String nodeId) {
        long now = System.currentTimeMillis();
        String signature = identity.sign(NodeMessage.NodeAuth.message(challenge, hubKey, nodeId, now));
        return "{\"pubkey\":\"" + identity.publicKey() + "\",\"timestamp\":" + now + ",\"signature\":\"" + signature + "\"}";
    }

    /**
     * The signed receipt for one completed request, as JSON text for the final chunk frame: {@code jobId} = the
     * hub's request id, token counts = what the final chunk reports ({@code prompt_eval_count}, {@code eval_count}).
     */
    String receipt(String requestId, String requester, String model, long inputTokens, long outputTokens, long startedAtMillis) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        var r = new Receipt(Receipt.VERSION, requestId, HEX.formatHex(nonce), requester == null ? Receipt.ANONYMOUS : requester,
                identity.publicKey(), model, inputTokens, outputTokens, startedAtMillis, System.currentTimeMillis());
        return Json.write(SignedReceipt.sign(r, identity).toJson());
    }
}

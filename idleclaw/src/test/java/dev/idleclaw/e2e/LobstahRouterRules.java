package dev.idleclaw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Lobstah router's receipt acceptance (lobstah-wire.md §4, "Router acceptance"), written from the spec alone with
 * the JDK's Ed25519 and {@link LobstahPeer#canonical}: malformed, bad signature, requester mismatch, expired or
 * future-dated, nonce replay, in that order. Shares nothing with the product's receipt code.
 */
final class LobstahRouterRules {
    /** Freshness window both ways, and how long a nonce is remembered (§10). */
    private static final long FRESH_MILLIS = 300_000, NONCE_TTL_MILLIS = 360_000;
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo, before the 32 raw key bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String routerKey;
    private final Map<String, Long> nonces = new HashMap<>();

    LobstahRouterRules(String routerKey) {
        this.routerKey = routerKey;
    }

    /** Null when the router would append the receipt to its ledger, else the reason it logs. */
    String reject(String base64) {
        JsonNode signed;
        try {
            signed = JSON.readTree(Base64.getMimeDecoder().decode(base64.strip()));
        } catch (Exception e) {
            return "malformed receipt";
        }
        JsonNode r = signed.path("receipt");
        if (!r.isObject() || !signed.path("signature").isTextual()) return "malformed receipt";
        Map<String, Object> flat = new LinkedHashMap<>();
        r.fields().forEachRemaining(f -> flat.put(f.getKey(), f.getValue().isNumber() ? (Object) f.getValue().longValue() : f.getValue().asText()));
        if (!verifies(r.path("workerPubkey").asText(), LobstahPeer.canonical(flat), signed.path("signature").asText())) return "bad signature";
        if (!routerKey.equals(r.path("requesterPubkey").asText())) return "requester mismatch";
        long now = System.currentTimeMillis(), completed = r.path("completedAt").asLong();
        if (now - completed > FRESH_MILLIS || completed - now > FRESH_MILLIS) return "expired or future-dated";
        nonces.values().removeIf(seen -> now - seen > NONCE_TTL_MILLIS);
        if (nonces.putIfAbsent(r.path("nonce").asText(), now) != null) return "nonce replay";
        return null;
    }

    private static boolean verifies(String lob1, String canonical, String signatureHex) {
        try {
            byte[] raw = HexFormat.of().parseHex(lob1.substring(4));
            byte[] der = new byte[X509_PREFIX.length + raw.length];
            System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
            System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
            var verifier = Signature.getInstance("Ed25519", "SunEC");
            verifier.initVerify(KeyFactory.getInstance("Ed25519", "SunEC").generatePublic(new X509EncodedKeySpec(der)));
            verifier.update(canonical.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(HexFormat.of().parseHex(signatureHex));
        } catch (Exception e) {
            return false;
        }
    }
}

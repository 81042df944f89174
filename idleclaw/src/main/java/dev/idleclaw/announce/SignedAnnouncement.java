package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Canonical;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Signatures;
import dev.idleclaw.json.Json;

/**
 * {@code {"announcement":…,"signature":"<128 hex>"}}: an announcement and the Ed25519 signature over its canonical
 * JSON by the key inside it ({@code announcement.pubkey}), as served by a tracker and published on Nostr.
 */
public record SignedAnnouncement(Announcement announcement, String signature) {

    /** Signs {@code announcement} with {@code signer}, whose key must be the announcement's {@code pubkey}. */
    public static SignedAnnouncement sign(Announcement announcement, Identity signer) {
        if (!signer.publicKey().equals(announcement.pubkey())) throw new IllegalArgumentException("pubkey is not the signer's key");
        return new SignedAnnouncement(announcement, signer.sign(Canonical.bytes(announcement.toJson())));
    }

    /** True when the signature verifies with the key inside the announcement; malformed keys are simply invalid. */
    public boolean signatureValid() {
        return Signatures.verify(announcement.pubkey(), Canonical.bytes(announcement.toJson()), signature);
    }

    /** The status of the announcement at {@code nowMillis} (see {@link Announcement#status}). */
    public Announcement.Status status(long nowMillis) {
        return announcement.status(nowMillis);
    }

    public ObjectNode toJson() {
        var o = Json.object();
        o.set("announcement", announcement.toJson());
        return o.put("signature", signature);
    }

    /** Reads the wire form strictly; unknown top-level fields are ignored, the announcement's are not. */
    public static SignedAnnouncement fromJson(JsonNode n) throws AnnounceFormatException {
        if (!(n instanceof ObjectNode o)) throw new AnnounceFormatException("body is not an object");
        JsonNode sig = o.get("signature");
        if (sig == null || !sig.isTextual()) throw new AnnounceFormatException("signature must be a string");
        return new SignedAnnouncement(Announcement.fromJson(o.get("announcement")), sig.textValue());
    }
}

package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Bip340;
import dev.idleclaw.identity.Canonical;
import dev.idleclaw.identity.NostrKey;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A signed Nostr event (NIP-01): {@code id} is the SHA-256 of the serialization
 * {@code [0,pubkey,created_at,kind,tags,content]} (JSON with no whitespace and JavaScript's string escapes, which
 * is what {@link Canonical} produces for an array of these), {@code sig} the BIP-340 signature of the id's 32 bytes
 * by the x-only key {@code pubkey}. Hex fields are lowercase.
 */
public record NostrEvent(String id, String pubkey, long createdAt, int kind, List<List<String>> tags, String content, String sig) {
    private static final HexFormat HEX = HexFormat.of();

    public NostrEvent {
        tags = tags.stream().map(List::copyOf).toList();
    }

    /** Signs a new event by {@code key}. */
    public static NostrEvent sign(NostrKey key, long createdAtSeconds, int kind, List<List<String>> tags, String content) {
        String pubkey = key.publicKeyHex();
        byte[] id = idBytes(pubkey, createdAtSeconds, kind, tags, content);
        return new NostrEvent(HEX.formatHex(id), pubkey, createdAtSeconds, kind, tags, content, HEX.formatHex(key.sign(id)));
    }

    /** True when {@code id} is the hash of the content fields and {@code sig} verifies for it with {@code pubkey}. */
    public boolean valid() {
        if (!isHex64(id) || !isHex64(pubkey) || sig == null || !sig.matches("[0-9a-f]{128}")) return false;
        byte[] computed = idBytes(pubkey, createdAt, kind, tags, content);
        if (!HEX.formatHex(computed).equals(id)) return false;
        return Bip340.verify(HEX.parseHex(pubkey), computed, HEX.parseHex(sig));
    }

    /** The second element of the first tag named {@code name}, if any. */
    public Optional<String> tag(String name) {
        return tags.stream().filter(t -> t.size() >= 2 && t.getFirst().equals(name)).map(t -> t.get(1)).findFirst();
    }

    private static boolean isHex64(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }

    private static byte[] idBytes(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        ArrayNode a = Json.array().add(0).add(pubkey).add(createdAt).add(kind);
        a.add(tagsJson(tags));
        a.add(content);
        return Bip340.sha256().digest(Canonical.bytes(a));
    }

    private static ArrayNode tagsJson(List<List<String>> tags) {
        ArrayNode out = Json.array();
        for (List<String> t : tags) {
            ArrayNode one = out.addArray();
            t.forEach(one::add);
        }
        return out;
    }

    /** The wire form {@code {"id","pubkey","created_at","kind","tags","content","sig"}}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("id", id).put("pubkey", pubkey).put("created_at", createdAt).put("kind", kind);
        o.set("tags", tagsJson(tags));
        return o.put("content", content).put("sig", sig);
    }

    /**
     * Reads the wire form; throws {@link AnnounceFormatException} when a field is missing or of the wrong type (the
     * hashes and signature are checked by {@link #valid()}, not here).
     */
    public static NostrEvent fromJson(JsonNode n) throws AnnounceFormatException {
        if (!(n instanceof ObjectNode o)) throw new AnnounceFormatException("event is not an object");
        JsonNode tags = o.get("tags");
        if (tags == null || !tags.isArray()) throw new AnnounceFormatException("event tags must be an array");
        List<List<String>> list = new ArrayList<>();
        for (JsonNode t : tags) {
            if (!t.isArray()) throw new AnnounceFormatException("an event tag must be an array");
            List<String> one = new ArrayList<>();
            for (JsonNode s : t) {
                if (!s.isTextual()) throw new AnnounceFormatException("event tag values must be strings");
                one.add(s.textValue());
            }
            list.add(one);
        }
        JsonNode createdAt = o.get("created_at");
        JsonNode kind = o.get("kind");
        if (createdAt == null || !createdAt.canConvertToLong() || !createdAt.isIntegralNumber()) {
            throw new AnnounceFormatException("event created_at must be an integer");
        }
        if (kind == null || !kind.isInt()) throw new AnnounceFormatException("event kind must be an integer");
        return new NostrEvent(text(o, "id"), text(o, "pubkey"), createdAt.longValue(), kind.intValue(), list, text(o, "content"),
                text(o, "sig"));
    }

    private static String text(ObjectNode o, String field) throws AnnounceFormatException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new AnnounceFormatException("event " + field + " must be a string");
        return v.textValue();
    }
}

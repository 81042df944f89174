package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A worker's signed "I am here" (lobstah-wire.md §5): its key, the URL to reach it and, optionally, a label, its
 * models and a tier. Optional fields are {@code null} here and <em>omitted</em> from the JSON (never {@code null}
 * there), because the signature covers exactly the fields sent.
 */
public record Announcement(int version, String pubkey, String url, String label, List<String> models, String tier,
                           long ttlSeconds, long announcedAt) {

    public static final int VERSION = 1;
    /** How far in the future {@code announcedAt} may lie (clock skew between worker and reader): 5 min, as upstream. */
    public static final long MAX_SKEW_MILLIS = 300_000;
    /** The heartbeat never runs more often than this, even with a tiny TTL (upstream: 30 s). */
    public static final long MIN_HEARTBEAT_MILLIS = 30_000;
    /** Upstream's worker default. */
    public static final long DEFAULT_TTL_SECONDS = 300;
    /**
     * Longest anyone holds an announcement without a heartbeat, whatever TTL it claims: a dead worker with a huge
     * TTL would otherwise linger (a tracker's registry, a synced peers file).
     */
    public static final long MAX_HELD_TTL_SECONDS = 3_600;
    /** The tiers upstream's schema admits; a missing tier means {@code best-effort}. */
    public static final Set<String> TIERS = Set.of("interactive", "batch", "best-effort");
    private static final Set<String> FIELDS = Set.of("version", "pubkey", "url", "label", "models", "tier", "ttlSeconds", "announcedAt");

    /** What an announcement is worth at a given time. */
    public enum Status { OK, STALE, FUTURE }

    public Announcement {
        models = models == null ? null : List.copyOf(models);
    }

    /** {@code future} if more than 5 min ahead of {@code nowMillis}; else {@code stale} once past its TTL; else ok. */
    public Status status(long nowMillis) {
        if (announcedAt - nowMillis > MAX_SKEW_MILLIS) return Status.FUTURE;
        if (nowMillis - announcedAt > millis(ttlSeconds)) return Status.STALE;
        return Status.OK;
    }

    /** How often an announcer re-signs with a fresh {@code announcedAt}: {@code max(floor(ttl·1000/2), 30 s)}. */
    public static long heartbeatMillis(long ttlSeconds) {
        return Math.max(millis(ttlSeconds) / 2, MIN_HEARTBEAT_MILLIS);
    }

    /** Seconds to milliseconds, saturating instead of overflowing for absurd TTLs. */
    public static long millis(long seconds) {
        return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
    }

    /** The tier, with upstream's default for a missing one. */
    public String effectiveTier() {
        return tier == null ? "best-effort" : tier;
    }

    /** The JSON object in wire order, optional fields omitted when absent. */
    public ObjectNode toJson() {
        var o = Json.object().put("version", version).put("pubkey", pubkey).put("url", url);
        if (label != null) o.put("label", label);
        if (models != null) {
            var a = o.putArray("models");
            models.forEach(a::add);
        }
        if (tier != null) o.put("tier", tier);
        return o.put("ttlSeconds", ttlSeconds).put("announcedAt", announcedAt);
    }

    /**
     * Reads an announcement strictly: required fields present with the right JSON types, optional ones absent or
     * well-typed (never {@code null}), no unknown fields (the signature must cover exactly what we store and serve).
     */
    public static Announcement fromJson(JsonNode n) throws AnnounceFormatException {
        if (!(n instanceof ObjectNode o)) throw new AnnounceFormatException("announcement is not an object");
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new AnnounceFormatException("unknown field " + f);
        }
        if (integer(o, "version") != VERSION) throw new AnnounceFormatException("version must be 1");
        String tier = optionalText(o, "tier");
        if (tier != null && !TIERS.contains(tier)) throw new AnnounceFormatException("unknown tier");
        long ttl = integer(o, "ttlSeconds");
        if (ttl <= 0) throw new AnnounceFormatException("ttlSeconds must be positive");
        long at = integer(o, "announcedAt");
        if (at < 0) throw new AnnounceFormatException("announcedAt must be epoch milliseconds");
        return new Announcement(VERSION, text(o, "pubkey"), text(o, "url"), optionalText(o, "label"), models(o), tier, ttl, at);
    }

    private static String text(ObjectNode o, String f) throws AnnounceFormatException {
        String s = optionalText(o, f);
        if (s == null) throw new AnnounceFormatException(f + " is required");
        return s;
    }

    private static String optionalText(ObjectNode o, String f) throws AnnounceFormatException {
        JsonNode v = o.get(f);
        if (v == null) return null;
        if (!v.isTextual()) throw new AnnounceFormatException(f + " must be a string");
        return v.textValue();
    }

    static long integer(JsonNode o, String f) throws AnnounceFormatException {
        JsonNode v = o.get(f);
        // Doubles such as 300.0 are refused too: canonical JSON would print them differently from the signer.
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw new AnnounceFormatException(f + " must be an integer");
        return v.longValue();
    }

    private static List<String> models(ObjectNode o) throws AnnounceFormatException {
        JsonNode v = o.get("models");
        if (v == null) return null;
        if (!v.isArray()) throw new AnnounceFormatException("models must be an array");
        var out = new ArrayList<String>(v.size());
        for (JsonNode m : v) {
            if (!m.isTextual()) throw new AnnounceFormatException("models must hold strings");
            out.add(m.textValue());
        }
        return out;
    }
}

package dev.idleclaw.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker says it can do, from {@code GET /capacity} (lobstah-wire.md §7):
 * {@code {"pubkey","models":[…],"tier","concurrency","queueDepth",…}}. Read leniently, because older workers
 * omit fields: a missing or malformed {@code models} is no models (non-strings are skipped), a missing tier is
 * {@code best-effort}, a missing concurrency 1 and a missing queue depth 0. Only {@code pubkey} is required.
 *
 * @param pubkey      the key the worker claims; the directory refuses a capacity whose key is not the peer's
 * @param models      model names, compared by exact string
 * @param tier        {@code interactive}, {@code batch} or {@code best-effort} (not validated)
 * @param concurrency parallel request slots the worker advertises
 * @param queueDepth  queued plus running async jobs
 */
public record Capacity(String pubkey, List<String> models, String tier, int concurrency, int queueDepth) {
    /** Upstream's default when a worker sends no tier. */
    public static final String DEFAULT_TIER = "best-effort";

    public Capacity {
        models = List.copyOf(models);
    }

    /** Parses a {@code /capacity} body; throws {@link IllegalArgumentException} when it has no string pubkey. */
    public static Capacity fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("capacity is not a JSON object");
        String pubkey = Json.text(n, "pubkey");
        if (pubkey == null) throw new IllegalArgumentException("capacity has no pubkey");
        var models = new ArrayList<String>();
        JsonNode m = n.get("models");
        if (m != null && m.isArray()) for (JsonNode x : m) if (x.isTextual()) models.add(x.textValue());
        String tier = Json.text(n, "tier");
        return new Capacity(pubkey, models, tier == null ? DEFAULT_TIER : tier, integer(n, "concurrency", 1), integer(n, "queueDepth", 0));
    }

    private static int integer(JsonNode n, String field, int fallback) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() && v.canConvertToInt() ? v.intValue() : fallback;
    }
}

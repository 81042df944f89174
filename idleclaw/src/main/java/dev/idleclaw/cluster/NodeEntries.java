package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.wire.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of one hub's node directory entry: one JSON value per hub holding all its routable nodes, so reading
 * the cluster costs one fetch per hub however many nodes it holds. Bounded both ways: a hub publishes at most
 * {@link #MAX_NODES} nodes of {@link #MAX_MODELS} models each, and a reader skips a value longer than
 * {@link #MAX_CHARS} and any node it cannot read.
 */
final class NodeEntries {
    /** The encoding's version: a reader skips values of another one rather than misreading them. */
    static final int FORMAT = 1;
    /** Nodes one hub publishes: far above one hub's fleet today, and it keeps a value to a few megabytes. */
    static final int MAX_NODES = 5_000;
    /** Models listed per node: Ollama machines rarely hold more than a few dozen. */
    static final int MAX_MODELS = 64;
    /** A value longer than this is not one a member wrote (MAX_NODES small nodes fit well within it): skipped. */
    static final int MAX_CHARS = 8_000_000;
    /** Features listed per node: a node advertises one or two today; more is not a member's entry. */
    static final int MAX_FEATURES = 16;
    /** A feature's name: short words such as {@code embed}. */
    static final int MAX_FEATURE_CHARS = 32;

    private NodeEntries() {}

    /**
     * The value for {@code hub}'s nodes: the first {@link #MAX_NODES} of them, and of those only as many as fit in
     * {@link #MAX_CHARS}, so a reader never discards a value a member wrote.
     */
    static String encode(String hub, List<RemoteNode> nodes) {
        var out = new StringBuilder("{\"v\":").append(FORMAT).append(",\"hub\":").append(Json.quote(hub)).append(",\"nodes\":[");
        String end = "]}";
        int written = 0;
        for (RemoteNode n : nodes) {
            if (written == MAX_NODES) break;
            ObjectNode o = Json.object().put("node_id", n.nodeId()).put("label", n.label())
                    .put("free_slots", n.freeSlots()).put("max_slots", n.maxSlots())
                    .put("reputation", n.reputation()).put("standing", n.standing());
            ArrayNode models = o.putArray("models");
            for (ModelInfo m : n.models().subList(0, Math.min(n.models().size(), MAX_MODELS))) models.add(model(m));
            // Added after FORMAT 1 shipped: a reader that does not know it ignores it, one that finds none reads none.
            ArrayNode features = o.putArray("features");
            for (String f : n.features().subList(0, Math.min(n.features().size(), MAX_FEATURES))) features.add(f);
            String text = Json.write(o);
            if (out.length() + 1 + text.length() + end.length() > MAX_CHARS) break;
            if (written++ > 0) out.append(',');
            out.append(text);
        }
        return out.append(end).toString();
    }

    /** The nodes in {@code text}, each marked as held by the hub the value names; empty when it is not such a value. */
    static List<RemoteNode> decode(String text) {
        if (text == null || text.length() > MAX_CHARS) return List.of();
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (java.io.IOException e) {
            return List.of();
        }
        String hub = Json.text(root, "hub");
        if (root.path("v").asInt() != FORMAT || hub == null || !root.path("nodes").isArray()) return List.of();
        List<RemoteNode> out = new ArrayList<>();
        for (JsonNode n : root.path("nodes")) {
            if (out.size() == MAX_NODES) break;
            String id = Json.text(n, "node_id");
            if (id == null || !n.path("models").isArray()) continue;
            List<ModelInfo> models = new ArrayList<>();
            for (JsonNode m : n.path("models")) {
                if (models.size() == MAX_MODELS) break;
                String name = Json.text(m, "name");
                if (name != null && !name.isEmpty()) models.add(model(name, m));
            }
            out.add(new RemoteNode(hub, id, Json.text(n, "label"), models, n.path("free_slots").asInt(),
                    n.path("max_slots").asInt(), n.path("reputation").asDouble(), Json.text(n, "standing"), features(n)));
        }
        return List.copyOf(out);
    }

    /** The features a node entry lists (none when it lists none, as an older member's): short strings only. */
    private static List<String> features(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : n.path("features")) {
            if (out.size() == MAX_FEATURES) break;
            if (f.isTextual() && !f.textValue().isEmpty() && f.textValue().length() <= MAX_FEATURE_CHARS) out.add(f.textValue());
        }
        return List.copyOf(out);
    }

    private static ObjectNode model(ModelInfo m) {
        ObjectNode o = Json.object().put("name", m.name()).put("size", m.size()).put("digest", m.digest())
                .put("modified_at", m.modifiedAt());
        if (m.details() != null) o.set("details", m.details());
        if (m.capabilities() != null) m.capabilities().forEach(o.putArray("capabilities")::add);
        if (m.contextLength() != null) o.put("context_length", m.contextLength());
        return o;
    }

    private static ModelInfo model(String name, JsonNode m) {
        List<String> caps = null;
        if (m.path("capabilities").isArray()) {
            caps = new ArrayList<>();
            for (JsonNode c : m.path("capabilities")) if (c.isTextual()) caps.add(c.textValue());
            caps = List.copyOf(caps);
        }
        ObjectNode details = m.path("details").isObject() ? (ObjectNode) m.get("details") : null;
        Integer context = m.path("context_length").canConvertToInt() && m.path("context_length").isNumber()
                ? m.get("context_length").intValue() : null;
        return new ModelInfo(name, m.path("size").asLong(), Json.text(m, "digest"), Json.text(m, "modified_at"), details, caps, context);
    }
}

package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/**
 * What a {@link StandInNode} registers with: its id, models (raw objects, so a test can give digests, details,
 * capabilities or context lengths), slots, and the optional parts newer nodes send ({@code limits}, {@code features},
 * {@code auth}); null or empty optional parts are left out, as original IdleClaw nodes leave them out.
 */
public record NodeRegistration(String nodeId, int maxConcurrent, List<ObjectNode> models, ObjectNode limits,
        List<String> features, ObjectNode auth) {
    /** The Ollama version the stand-in reports (the version the node protocol was written against). */
    public static final String OLLAMA_VERSION = "0.12.6";
    static final ObjectMapper MAPPER = new ObjectMapper();

    public NodeRegistration {
        models = List.copyOf(models);
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** A random node id registering raw {@code models} with {@code maxConcurrent} slots. */
    public static NodeRegistration of(int maxConcurrent, ObjectNode... models) {
        return new NodeRegistration(UUID.randomUUID().toString(), maxConcurrent, List.of(models), null, null, null);
    }

    /** Plain models by name, each sized 1000 × its position from the end (so the first is the largest). */
    public static NodeRegistration named(int maxConcurrent, String... names) {
        ObjectNode[] models = new ObjectNode[names.length];
        for (int i = 0; i < names.length; i++) models[i] = model(names[i], 1000L * (names.length - i));
        return of(maxConcurrent, models);
    }

    /** A model object with {@code name}, {@code size} and, when given, {@code capabilities}. */
    public static ObjectNode model(String name, long size, String... capabilities) {
        ObjectNode m = MAPPER.createObjectNode().put("name", name).put("size", size);
        if (capabilities.length > 0 && capabilities[0] != null) {
            var caps = m.putArray("capabilities");
            for (String c : capabilities) caps.add(c);
        }
        return m;
    }

    public NodeRegistration withNodeId(String id) {
        return new NodeRegistration(id, maxConcurrent, models, limits, features, auth);
    }

    public NodeRegistration withLimits(ObjectNode l) {
        return new NodeRegistration(nodeId, maxConcurrent, models, l, features, auth);
    }

    public NodeRegistration withFeatures(String... f) {
        return new NodeRegistration(nodeId, maxConcurrent, models, limits, List.of(f), auth);
    }

    /** With the {@code auth} object (pubkey, timestamp, signature) a test computed from the hub's challenge. */
    public NodeRegistration withAuth(ObjectNode a) {
        return new NodeRegistration(nodeId, maxConcurrent, models, limits, features, a);
    }

    /** The {@code register} message, fields in the order the node agent writes them. */
    public ObjectNode toJson() {
        ObjectNode reg = MAPPER.createObjectNode().put("type", "register").put("node_id", nodeId);
        var arr = reg.putArray("models");
        for (JsonNode m : models) arr.add(m.deepCopy());
        reg.put("max_concurrent", maxConcurrent).put("ollama_version", OLLAMA_VERSION);
        if (auth != null) reg.set("auth", auth);
        if (!features.isEmpty()) features.forEach(reg.putArray("features")::add);
        if (limits != null) reg.set("limits", limits);
        return reg;
    }
}

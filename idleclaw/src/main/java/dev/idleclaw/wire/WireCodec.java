package dev.idleclaw.wire;

import static dev.idleclaw.wire.WireException.BAD_PAYLOAD;
import static dev.idleclaw.wire.WireException.POLICY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Text-frame codec for the node protocol. Decoding validates structure and the wire rules of
 * idleclaw-wire.md §4.2 and reports violations as {@link WireException} with the spec's close code and reason.
 */
public final class WireCodec {
    private WireCodec() {}

    public static NodeMessage decodeNode(String text) throws WireException {
        ObjectNode o = object(text);
        return switch (type(o)) {
            case "register" -> register(o);
            case "heartbeat" -> new NodeMessage.Heartbeat(optionalText(o, "node_id", "invalid node_id"),
                    optionalInt(o, "active_requests"), o.path("available").isBoolean() ? o.get("available").booleanValue() : null);
            case "inference_chunk" -> {
                JsonNode chunk = o.get("chunk");
                if (chunk == null || !chunk.isObject()) throw new WireException(POLICY, "invalid inference_chunk");
                JsonNode receipt = o.get("receipt");
                yield new NodeMessage.InferenceChunk(requestId(o), (ObjectNode) chunk, receipt instanceof ObjectNode r ? r : null);
            }
            case "embed_result" -> EmbedCodec.result(o, requestId(o));
            case "inference_error" -> new NodeMessage.InferenceError(requestId(o),
                    o.path("error").isTextual() ? o.get("error").textValue() : "unknown");
            default -> new NodeMessage.Unknown(type(o));
        };
    }

    public static HubMessage decodeHub(String text) throws WireException {
        ObjectNode o = object(text);
        return switch (type(o)) {
            case "registered" -> new HubMessage.Registered(Json.text(o, "node_id"));
            case "inference_request" -> {
                JsonNode params = o.get("ollama_params");
                if (params == null || !params.isObject()) throw new WireException(POLICY, "invalid inference_request");
                yield new HubMessage.InferenceRequest(requestId(o), (ObjectNode) params, Json.text(o, "requester"));
            }
            case "cancel_request" -> new HubMessage.CancelRequest(requestId(o));
            case "embed_request" -> EmbedCodec.request(o, requestId(o));
            case "auth_challenge" -> {
                String challenge = Json.text(o, "challenge"), hub = Json.text(o, "hub_key");
                if (challenge == null || hub == null) throw new WireException(POLICY, "invalid auth_challenge");
                yield new HubMessage.AuthChallenge(challenge, hub);
            }
            default -> new HubMessage.Unknown(type(o));
        };
    }

    public static String encode(HubMessage m) {
        ObjectNode o = Json.object();
        switch (m) {
            case HubMessage.Registered r -> o.put("type", "registered").put("node_id", r.nodeId());
            case HubMessage.InferenceRequest r -> {
                o.put("type", "inference_request").put("request_id", r.requestId());
                o.set("ollama_params", r.params());
                if (r.requester() != null) o.put("requester", r.requester());
            }
            case HubMessage.EmbedRequest r -> EmbedCodec.write(o, r);
            case HubMessage.AuthChallenge a -> o.put("type", "auth_challenge").put("challenge", a.challenge()).put("hub_key", a.hubKey());
            case HubMessage.CancelRequest c -> o.put("type", "cancel_request").put("request_id", c.requestId());
            case HubMessage.Unknown u -> o.put("type", u.type());
        }
        return Json.write(o);
    }

    public static String encode(NodeMessage m) {
        return Json.write(tree(m));
    }

    /**
     * The size in bytes of {@link #encode(NodeMessage) encode(m)}, counted without writing it: a node in the hub's own
     * process checks the wire's size limits without encoding what it never sends as text.
     */
    public static long encodedBytes(NodeMessage m) {
        return JsonBytes.of(tree(m));
    }

    private static ObjectNode tree(NodeMessage m) {
        ObjectNode o = Json.object();
        switch (m) {
            case NodeMessage.Register r -> {
                o.put("type", "register").put("node_id", r.nodeId());
                var models = o.putArray("models");
                for (ModelInfo mi : r.models()) models.add(modelJson(mi));
                o.put("max_concurrent", r.maxConcurrent()).put("ollama_version", r.ollamaVersion());
                if (r.auth() != null) {
                    o.putObject("auth").put("pubkey", r.auth().pubkey()).put("timestamp", r.auth().timestamp())
                            .put("signature", r.auth().signature());
                }
                if (!r.features().isEmpty()) {
                    var features = o.putArray("features");
                    r.features().forEach(features::add);
                }
                if (!r.limits().equals(NodeLimits.ORIGINAL)) {
                    o.putObject("limits").put("max_messages", r.limits().maxMessages())
                            .put("max_message_chars", r.limits().maxMessageChars())
                            .put("max_request_bytes", r.limits().maxRequestBytes());
                }
            }
            case NodeMessage.Heartbeat h -> {
                o.put("type", "heartbeat").put("node_id", h.nodeId());
                o.put("active_requests", h.activeRequests() == null ? 0 : h.activeRequests());
                o.put("available", h.available() == null || h.available());
            }
            case NodeMessage.InferenceChunk c -> {
                o.put("type", "inference_chunk").put("request_id", c.requestId());
                o.set("chunk", c.chunk());
                if (c.receipt() != null) o.set("receipt", c.receipt());
            }
            case NodeMessage.EmbedResult r -> EmbedCodec.write(o, r);
            case NodeMessage.InferenceError e ->
                    o.put("type", "inference_error").put("request_id", e.requestId()).put("error", e.error());
            case NodeMessage.Unknown u -> o.put("type", u.type());
        }
        return o;
    }

    private static ObjectNode modelJson(ModelInfo mi) {
        ObjectNode m = Json.object().put("name", mi.name()).put("size", mi.size());
        if (mi.digest() != null) m.put("digest", mi.digest());
        if (mi.modifiedAt() != null) m.put("modified_at", mi.modifiedAt());
        if (mi.details() != null) m.set("details", mi.details());
        if (mi.capabilities() != null) {
            var caps = m.putArray("capabilities");
            mi.capabilities().forEach(caps::add);
        }
        if (mi.contextLength() != null) m.put("context_length", mi.contextLength());
        return m;
    }

    private static NodeMessage.Register register(ObjectNode o) throws WireException {
        JsonNode id = o.get("node_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > WireLimits.MAX_ID_CHARS) {
            throw new WireException(POLICY, "invalid node_id");
        }
        JsonNode models = o.get("models");
        if (models == null || !models.isArray() || models.isEmpty()) throw new WireException(POLICY, "no models provided");
        if (models.size() > WireLimits.MAX_MODELS_PER_NODE) throw new WireException(POLICY, "too many models");
        List<ModelInfo> list = new ArrayList<>(models.size());
        for (JsonNode m : models) list.add(model(m));
        int maxConcurrent = WireLimits.DEFAULT_MAX_CONCURRENT;
        JsonNode mc = o.get("max_concurrent");
        if (mc != null && !mc.isNull()) {
            if (!mc.isIntegralNumber() || !mc.canConvertToInt()) throw new WireException(POLICY, "invalid max_concurrent");
            maxConcurrent = Math.clamp(mc.intValue(), 1, WireLimits.MAX_CONCURRENT_CEILING);
        }
        String version = optionalText(o, "ollama_version", "invalid ollama_version");
        if (version != null && version.length() > WireLimits.MAX_ID_CHARS) throw new WireException(POLICY, "invalid ollama_version");
        return new NodeMessage.Register(id.textValue(), List.copyOf(list), maxConcurrent, version == null ? "unknown" : version,
                auth(o.get("auth")), features(o.get("features")), limits(o.get("limits")));
    }

    /**
     * The optional {@code limits} object; absent means an original node's. A node may advertise less than the
     * original's limits, never more than a frame it could not read: a malformed or out-of-range object is refused.
     */
    private static NodeLimits limits(JsonNode l) throws WireException {
        if (l == null || l.isNull()) return null;
        if (!(l instanceof ObjectNode o)) throw new WireException(POLICY, "invalid limits");
        try {
            return new NodeLimits(positive(o, "max_messages", NodeLimits.ORIGINAL.maxMessages()),
                    positive(o, "max_message_chars", NodeLimits.ORIGINAL.maxMessageChars()),
                    positive(o, "max_request_bytes", NodeLimits.ORIGINAL.maxRequestBytes()));
        } catch (IllegalArgumentException e) {
            throw new WireException(POLICY, "invalid limits");
        }
    }

    private static int positive(ObjectNode o, String field, int absent) throws WireException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return absent;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) throw new WireException(POLICY, "invalid limits");
        return v.intValue();
    }

    /** The optional {@code features} list: short labels; unknown ones are kept (and ignored), anything else refused. */
    private static List<String> features(JsonNode f) throws WireException {
        if (f == null || f.isNull()) return List.of();
        if (!f.isArray() || f.size() > WireLimits.MAX_FEATURES) throw new WireException(POLICY, "invalid features");
        List<String> out = new ArrayList<>(f.size());
        for (JsonNode v : f) {
            if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > WireLimits.MAX_ID_CHARS) {
                throw new WireException(POLICY, "invalid features");
            }
            out.add(v.textValue());
        }
        return out;
    }

    /** The optional {@code auth} object; present but malformed is a policy violation. */
    private static NodeMessage.NodeAuth auth(JsonNode a) throws WireException {
        if (a == null || a.isNull()) return null;
        if (!a.isObject() || !a.path("pubkey").isTextual() || !a.path("signature").isTextual()
                || !a.path("timestamp").isIntegralNumber() || !a.get("timestamp").canConvertToLong()) {
            throw new WireException(POLICY, "invalid auth");
        }
        return new NodeMessage.NodeAuth(a.get("pubkey").textValue(), a.get("timestamp").longValue(), a.get("signature").textValue());
    }

    private static ModelInfo model(JsonNode m) throws WireException {
        if (!m.isObject()) throw new WireException(POLICY, "invalid model name");
        JsonNode name = m.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty() || name.textValue().length() > WireLimits.MAX_ID_CHARS) {
            throw new WireException(POLICY, "invalid model name");
        }
        JsonNode size = m.get("size");
        long bytes = 0;
        if (size != null && !size.isNull()) {
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) throw new WireException(POLICY, "invalid model size");
            bytes = size.longValue();
        }
        String digest = Json.text(m, "digest");
        String modified = Json.text(m, "modified_at");
        ObjectNode details = m.get("details") instanceof ObjectNode d ? d : null;
        List<String> caps = null;
        if (m.get("capabilities") instanceof com.fasterxml.jackson.databind.node.ArrayNode arr) {
            caps = new ArrayList<>();
            for (JsonNode c : arr) if (c.isTextual() && c.textValue().length() <= WireLimits.MAX_ID_CHARS) caps.add(c.textValue());
            caps = List.copyOf(caps);
        }
        Integer context = null;
        JsonNode cl = m.get("context_length");
        if (cl != null && !cl.isNull()) {
            if (!cl.isIntegralNumber() || !cl.canConvertToInt() || cl.intValue() < 1) throw new WireException(POLICY, "invalid context_length");
            context = cl.intValue();
        }
        return new ModelInfo(name.textValue(), bytes, digest, modified, details, caps, context);
    }

    private static ObjectNode object(String text) throws WireException {
        JsonNode n;
        try {
            n = Json.parse(text);
        } catch (Exception e) {
            throw new WireException(BAD_PAYLOAD, "invalid JSON");
        }
        if (!(n instanceof ObjectNode o)) throw new WireException(BAD_PAYLOAD, "expected a JSON object");
        return o;
    }

    private static String type(ObjectNode o) throws WireException {
        JsonNode t = o.get("type");
        if (t == null || !t.isTextual()) throw new WireException(POLICY, "missing message type");
        return t.textValue();
    }

    static String requestId(ObjectNode o) throws WireException {
        JsonNode id = o.get("request_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) throw new WireException(POLICY, "invalid request_id");
        return id.textValue();
    }

    private static String optionalText(ObjectNode o, String field, String violation) throws WireException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new WireException(POLICY, violation);
        return v.textValue();
    }

    private static Integer optionalInt(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : null;
    }
}

package dev.idleclaw.wire;

import static dev.idleclaw.wire.WireException.POLICY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code embed_request} / {@code embed_result} frames (docs/protocol.md "Embeddings"), strict on decode; the
 * optional {@code requester} and {@code receipt} are read as {@code inference_request}'s and {@code inference_chunk}'s.
 * A cluster's embedding forward carries the same fields (docs/protocol.md "Cluster forwarding"), so it is read and
 * written here too.
 */
public final class EmbedCodec {
    private EmbedCodec() {}

    static void write(ObjectNode o, HubMessage.EmbedRequest r) {
        o.put("type", "embed_request").put("request_id", r.requestId()).put("model", r.model());
        var input = o.putArray("input");
        r.input().forEach(input::add);
        if (r.dimensions() != null) o.put("dimensions", r.dimensions());
        if (r.truncate() != null) o.put("truncate", r.truncate());
        if (r.keepAlive() != null) o.set("keep_alive", r.keepAlive());
        if (r.options() != null) o.set("options", r.options());
        if (r.requester() != null) o.put("requester", r.requester());
    }

    static void write(ObjectNode o, NodeMessage.EmbedResult r) {
        o.put("type", "embed_result").put("request_id", r.requestId());
        var all = o.putArray("embeddings");
        for (float[] v : r.embeddings()) {
            var vector = all.addArray();
            for (float x : v) vector.add(x);
        }
        o.put("prompt_eval_count", r.promptEvalCount());
        if (r.receipt() != null) o.set("receipt", r.receipt());
    }

    /** The fields of an {@code embed_request} frame for {@code r}, without its type and id: a forward's parameters. */
    public static ObjectNode params(HubMessage.EmbedRequest r) {
        ObjectNode o = Json.object();
        write(o, r);
        o.remove("type");
        o.remove("request_id");
        o.remove("requester");
        return o;
    }

    /** The fields of an {@code embed_result} frame for {@code r}, without its type and id: a forward's answer. */
    public static ObjectNode answer(NodeMessage.EmbedResult r) {
        ObjectNode o = Json.object();
        write(o, r);
        o.remove("type");
        o.remove("request_id");
        return o;
    }

    /** A forward's parameters as {@code requestId} for {@code requester}, as strictly as a frame; why not, otherwise. */
    public static HubMessage.EmbedRequest request(ObjectNode params, String requestId, String requester) throws WireException {
        var r = request(params, requestId);
        return new HubMessage.EmbedRequest(requestId, r.model(), r.input(), r.dimensions(), r.truncate(), r.keepAlive(), r.options(), requester);
    }

    /** A forward's answer for {@code requestId}, as strictly as a frame; why not, otherwise. */
    public static NodeMessage.EmbedResult answer(ObjectNode o, String requestId) throws WireException {
        return result(o, requestId);
    }

    static HubMessage.EmbedRequest request(ObjectNode o, String requestId) throws WireException {
        JsonNode model = o.get("model");
        if (model == null || !model.isTextual() || model.textValue().isEmpty() || model.textValue().length() > WireLimits.MAX_ID_CHARS) {
            throw new WireException(POLICY, "invalid embed_request model");
        }
        JsonNode input = o.get("input");
        if (input == null || !input.isArray() || input.isEmpty() || input.size() > WireLimits.MAX_EMBED_INPUTS) {
            throw new WireException(POLICY, "invalid embed_request input");
        }
        List<String> texts = new ArrayList<>(input.size());
        for (JsonNode t : input) {
            if (!t.isTextual() || t.textValue().length() > WireLimits.MAX_EMBED_INPUT_CHARS) {
                throw new WireException(POLICY, "invalid embed_request input");
            }
            texts.add(t.textValue());
        }
        Integer dimensions = null;
        JsonNode d = o.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1 || d.intValue() > WireLimits.MAX_EMBED_DIMENSIONS) {
                throw new WireException(POLICY, "invalid embed_request dimensions");
            }
            dimensions = d.intValue();
        }
        JsonNode t = o.get("truncate");
        if (t != null && !t.isNull() && !t.isBoolean()) throw new WireException(POLICY, "invalid embed_request truncate");
        JsonNode keepAlive = o.get("keep_alive");
        if (keepAlive != null && !keepAlive.isNull() && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            throw new WireException(POLICY, "invalid embed_request keep_alive");
        }
        JsonNode options = o.get("options");
        if (options != null && !options.isNull() && !options.isObject()) throw new WireException(POLICY, "invalid embed_request options");
        return new HubMessage.EmbedRequest(requestId, model.textValue(), texts, dimensions,
                t == null || t.isNull() ? null : t.booleanValue(), keepAlive == null || keepAlive.isNull() ? null : keepAlive,
                options instanceof ObjectNode opts ? opts : null, Json.text(o, "requester"));
    }

    static NodeMessage.EmbedResult result(ObjectNode o, String requestId) throws WireException {
        JsonNode all = o.get("embeddings");
        if (all == null || !all.isArray() || all.isEmpty() || all.size() > WireLimits.MAX_EMBED_INPUTS) {
            throw new WireException(POLICY, "invalid embed_result");
        }
        List<float[]> vectors = new ArrayList<>(all.size());
        for (JsonNode v : all) {
            if (!v.isArray() || v.isEmpty() || v.size() > WireLimits.MAX_EMBED_DIMENSIONS) throw new WireException(POLICY, "invalid embed_result");
            float[] out = new float[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode x = v.get(i);
                if (!x.isNumber() || !Float.isFinite(x.floatValue())) throw new WireException(POLICY, "invalid embed_result");
                out[i] = x.floatValue();
            }
            vectors.add(out);
        }
        JsonNode count = o.get("prompt_eval_count");
        long tokens = count != null && count.isIntegralNumber() && count.canConvertToLong() ? Math.max(0, count.longValue()) : 0;
        // The receipt is checked by the hub's receipt desk, which refuses anything but a well-formed signed receipt.
        return new NodeMessage.EmbedResult(requestId, List.copyOf(vectors), tokens, o.get("receipt") instanceof ObjectNode r ? r : null);
    }
}

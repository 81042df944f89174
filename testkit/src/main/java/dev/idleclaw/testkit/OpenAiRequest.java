package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.testkit.Wire.BadRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body checked and rewritten into the native {@code /api/chat} body, as
 * Ollama's {@code ChatMiddleware} and {@code openai.FromChatRequest} do, with their error texts. Only what the
 * stand-in acts on is carried over (model, messages, stream, tools, {@code max_tokens}, {@code temperature},
 * {@code seed}, reasoning effort); the other sampling options Ollama also maps change nothing in a stand-in.
 *
 * @param nativeBody   the {@code /api/chat} body to run; its {@code stream} is OpenAI's, default false
 * @param includeUsage {@code stream_options.include_usage}
 */
record OpenAiRequest(ObjectNode nativeBody, boolean includeUsage) {
    /** Go type names in "cannot unmarshal" errors, per checked top-level field of ChatCompletionRequest. */
    private static final Map<String, String> FIELDS = Map.ofEntries(Map.entry("model", "string"),
            Map.entry("messages", "[]openai.Message"), Map.entry("stream", "bool"),
            Map.entry("stream_options", "openai.StreamOptions"), Map.entry("max_tokens", "int"),
            Map.entry("seed", "int"), Map.entry("temperature", "float64"), Map.entry("top_p", "float64"),
            Map.entry("frequency_penalty", "float64"), Map.entry("presence_penalty", "float64"),
            Map.entry("tools", "[]api.Tool"), Map.entry("response_format", "openai.ResponseFormat"),
            Map.entry("reasoning", "openai.Reasoning"), Map.entry("reasoning_effort", "string"));
    private static final Set<String> EFFORTS = Set.of("high", "medium", "low", "none");
    /** Data-URL prefixes Ollama's layer accepts for {@code image_url} parts. */
    private static final List<String> IMAGE_PREFIXES = List.of("data:;base64,", "data:image/jpeg;base64,",
            "data:image/jpg;base64,", "data:image/png;base64,", "data:image/webp;base64,");

    static OpenAiRequest parse(byte[] body) throws BadRequest {
        if (new String(body, StandardCharsets.UTF_8).isBlank()) throw new BadRequest(400, "EOF");
        var root = Wire.parse(body);
        if (root.isNull()) root = Wire.object();
        if (!root.isObject()) throw unmarshal(root, "Go value of type openai.ChatCompletionRequest");
        for (var property : root.properties()) { // document order: Go reports the first mismatch
            var goType = FIELDS.get(property.getKey());
            var value = property.getValue();
            if (goType != null && !value.isNull() && !hasGoType(value, goType)) {
                throw unmarshal(value, "Go struct field ChatCompletionRequest." + property.getKey() + " of type " + goType);
            }
        }
        var messages = root.path("messages");
        for (var message : messages) {
            if (!message.isObject()) {
                throw unmarshal(message, "Go struct field ChatCompletionRequest.messages of type openai.Message");
            }
        }
        if (messages.isEmpty()) throw new BadRequest(400, "[] is too short - 'messages'");
        var nativeBody = Wire.object().put("model", root.path("model").asText(""));
        var nativeMessages = nativeBody.putArray("messages");
        for (var message : messages) addMessage(nativeMessages, message);
        var options = nativeBody.putObject("options");
        if (root.path("max_tokens").isNumber()) options.put("num_predict", root.path("max_tokens").asInt());
        if (root.path("temperature").isNumber()) options.put("temperature", root.path("temperature").asDouble());
        if (root.path("seed").isNumber()) options.put("seed", root.path("seed").asLong());
        nativeBody.put("stream", root.path("stream").asBoolean(false));
        if (root.path("tools").isArray()) nativeBody.set("tools", root.path("tools"));
        var effort = root.path("reasoning").isObject() ? root.path("reasoning").path("effort").asText("")
                : root.path("reasoning_effort").asText("");
        if (!effort.isEmpty()) {
            if (!EFFORTS.contains(effort)) {
                throw new BadRequest(400, "invalid reasoning value: '" + effort
                        + "' (must be \"high\", \"medium\", \"low\", or \"none\")");
            }
            if (effort.equals("none")) nativeBody.put("think", false);
            else nativeBody.put("think", effort);
        }
        return new OpenAiRequest(nativeBody, root.path("stream_options").path("include_usage").asBoolean(false));
    }

    /** One OpenAI message → one native message, or one per content part. */
    private static void addMessage(ArrayNode out, JsonNode message) throws BadRequest {
        var role = message.path("role").asText("");
        var content = message.path("content");
        var toolCalls = message.path("tool_calls");
        if (content.isTextual()) {
            var m = out.addObject().put("role", role).put("content", content.asText());
            if (!toolCalls.isEmpty()) m.set("tool_calls", nativeToolCalls(toolCalls));
        } else if (content.isArray()) {
            for (var part : content) {
                if (!part.isObject()) throw new BadRequest(400, "invalid message format");
                switch (part.path("type").asText("")) {
                    case "text" -> {
                        if (!part.path("text").isTextual()) throw new BadRequest(400, "invalid message format");
                        out.addObject().put("role", role).put("content", part.path("text").asText());
                    }
                    case "image_url" -> out.addObject().put("role", role).putArray("images").add(image(part.path("image_url")));
                    default -> throw new BadRequest(400, "invalid message format");
                }
            }
            if (!out.isEmpty() && !toolCalls.isEmpty()) { // Ollama puts them on the last message made
                ((ObjectNode) out.get(out.size() - 1)).set("tool_calls", nativeToolCalls(toolCalls));
            }
        } else if (toolCalls.isMissingNode() || toolCalls.isNull()) {
            throw new BadRequest(400, "invalid message content type: " + goType(content));
        } else {
            out.addObject().put("role", role).set("tool_calls", nativeToolCalls(toolCalls));
        }
    }

    /** The base64 payload of a data URL; anything else is Ollama's "invalid image input". */
    private static String image(JsonNode imageUrl) throws BadRequest {
        var url = imageUrl.isObject() ? imageUrl.path("url") : imageUrl;
        if (!url.isTextual()) throw new BadRequest(400, "invalid message format");
        var prefix = IMAGE_PREFIXES.stream().filter(url.asText()::startsWith).findFirst()
                .orElseThrow(() -> new BadRequest(400, "invalid image input"));
        var data = url.asText().substring(prefix.length());
        try {
            Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "invalid message format");
        }
        return data;
    }

    /** OpenAI tool calls carry {@code arguments} as a JSON string; native ones as an object. */
    private static ArrayNode nativeToolCalls(JsonNode toolCalls) throws BadRequest {
        var out = Wire.MAPPER.createArrayNode();
        for (var call : toolCalls) {
            JsonNode arguments;
            try {
                arguments = Wire.MAPPER.readTree(call.path("function").path("arguments").asText(""));
            } catch (IOException e) {
                throw new BadRequest(400, "invalid tool call arguments");
            }
            if (arguments == null || !(arguments.isObject() || arguments.isNull())) {
                throw new BadRequest(400, "invalid tool call arguments"); // Go unmarshals into a map
            }
            var function = out.addObject().putObject("function").put("name", call.path("function").path("name").asText(""));
            function.set("arguments", arguments);
        }
        return out;
    }

    private static boolean hasGoType(JsonNode value, String goType) {
        return switch (goType) {
            case "string" -> value.isTextual();
            case "bool" -> value.isBoolean();
            case "int" -> value.isIntegralNumber();
            case "float64" -> value.isNumber();
            default -> goType.startsWith("[]") ? value.isArray() : value.isObject();
        };
    }

    private static BadRequest unmarshal(JsonNode value, String target) {
        var kind = switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> target.endsWith(" int") ? "number " + value.asText() : "number";
            case BOOLEAN -> "bool";
            case ARRAY -> "array";
            default -> "object";
        };
        return new BadRequest(400, "json: cannot unmarshal " + kind + " into " + target);
    }

    /** How Go's {@code %T} names a decoded JSON value. */
    private static String goType(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> "float64";
            case BOOLEAN -> "bool";
            case OBJECT -> "map[string]interface {}";
            default -> "<nil>";
        };
    }
}

package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.idleclaw.testkit.Wire.BadRequest;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parts of an {@code /api/chat} or {@code /api/generate} body the stand-in acts on, validated with Ollama's
 * error texts. Unknown fields and nulls are ignored, as Go's decoder does.
 *
 * @param chat       true for /api/chat, false for /api/generate
 * @param model      model name exactly as requested
 * @param stream     {@code stream}, default true
 * @param hasInput   non-empty {@code messages} (chat) or {@code prompt} (generate); false = load/unload
 * @param unload     {@code keep_alive} is zero
 * @param think      {@code think} is true or a level string
 * @param hasTools   non-empty {@code tools} (chat only)
 * @param numPredict {@code options.num_predict}, or null
 * @param inputChars characters of prompt text, for a default {@code prompt_eval_count}
 * @param toolRound  assistant messages after the last user message (chat only): the tool rounds already run
 * @param prompt     what a generative answer depends on
 */
record InferenceRequest(boolean chat, String model, boolean stream, boolean hasInput, boolean unload, boolean think,
                        boolean hasTools, Integer numPredict, int inputChars, int toolRound, Prompt prompt) {

    private static final Set<String> THINK_LEVELS = Set.of("low", "medium", "high", "max");
    private static final Pattern GO_DURATION =
            Pattern.compile("[-+]?(0|((\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+)");
    private static final Pattern GO_NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)");
    /** Ollama's bound on {@code top_logprobs}. */
    private static final int MAX_TOP_LOGPROBS = 20;
    /** Go type names used in "cannot unmarshal" errors, per checked field. */
    private static final Map<String, String> CHAT_FIELDS = Map.of("model", "string", "messages", "[]api.Message",
            "tools", "api.Tools", "stream", "bool", "options", "map[string]interface {}");
    private static final Map<String, String> GENERATE_FIELDS = Map.of("model", "string", "prompt", "string",
            "system", "string", "template", "string", "stream", "bool", "raw", "bool", "context", "[]int",
            "options", "map[string]interface {}");

    static InferenceRequest parse(boolean chat, byte[] body) throws BadRequest {
        var root = Wire.parse(body);
        var type = chat ? "ChatRequest" : "GenerateRequest";
        if (root.isNull()) root = Wire.object();
        if (!root.isObject()) throw unmarshal(root, "Go value of type api." + type);
        var fields = chat ? CHAT_FIELDS : GENERATE_FIELDS;
        for (var property : root.properties()) { // document order, as Go reports the first mismatch
            var goType = fields.get(property.getKey());
            var value = property.getValue();
            if (goType != null && !value.isNull() && !hasGoType(value, goType)) {
                var field = type + "." + property.getKey();
                throw unmarshal(value, "Go struct field " + field + " of type " + goType);
            }
        }
        var think = think(root.path("think"));
        var unload = keepAliveIsZero(root.path("keep_alive"));
        var top = root.path("top_logprobs");
        if (top.isNumber() && (top.asInt() < 0 || top.asInt() > MAX_TOP_LOGPROBS)) {
            throw new BadRequest(400, "top_logprobs must be between 0 and 20");
        }
        var model = root.path("model").asText("");
        if (chat && model.isEmpty()) throw new BadRequest(400, "model is required");
        var numPredict = root.path("options").path("num_predict");
        var stream = !root.path("stream").isBoolean() || root.path("stream").asBoolean();
        var predict = numPredict.isNumber() ? numPredict.asInt() : null;
        var options = root.path("options");
        var temperature = options.path("temperature").isNumber() ? options.path("temperature").asDouble() : null;
        var seed = options.path("seed").isNumber() ? options.path("seed").asLong() : null;
        var text = new StringBuilder();
        if (chat) {
            var messages = root.path("messages");
            var chars = 0;
            var round = 0;
            var lastUser = "";
            for (var message : messages) {
                var content = message.path("content").asText("");
                chars += content.length();
                Prompt.add(text, message.path("role").asText(""), content);
                switch (message.path("role").asText("")) {
                    case "user" -> {
                        round = 0;
                        lastUser = content;
                    }
                    case "assistant" -> round++;
                    default -> { }
                }
            }
            return new InferenceRequest(true, model, stream, !messages.isEmpty(), unload, think,
                    !root.path("tools").isEmpty(), predict, chars, round,
                    new Prompt(text.toString(), lastUser, temperature, seed));
        }
        if (root.path("raw").asBoolean(false) && (!root.path("template").asText("").isEmpty()
                || !root.path("system").asText("").isEmpty() || !root.path("context").isEmpty())) {
            throw new BadRequest(400, "raw mode does not support template, system, or context");
        }
        var prompt = root.path("prompt").asText("");
        var system = root.path("system").asText("");
        if (!system.isEmpty()) Prompt.add(text, "system", system);
        Prompt.add(text, "user", prompt);
        var chars = prompt.length() + system.length();
        return new InferenceRequest(false, model, stream, !prompt.isEmpty(), unload, think, false, predict, chars, 0,
                new Prompt(text.toString(), prompt, temperature, seed));
    }

    private static boolean think(JsonNode value) throws BadRequest {
        if (value.isMissingNode() || value.isNull()) return false;
        if (value.isBoolean()) return value.asBoolean();
        if (value.isTextual() && THINK_LEVELS.contains(value.asText())) return true;
        if (value.isTextual()) {
            throw new BadRequest(400, "invalid think value: \"" + value.asText()
                    + "\" (must be \"high\", \"medium\", \"low\", \"max\", true, or false)");
        }
        throw new BadRequest(400,
                "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, or false)");
    }

    /** {@code keep_alive}: seconds as a number, or a Go duration string; negative means "for ever". */
    private static boolean keepAliveIsZero(JsonNode value) throws BadRequest {
        if (value.isMissingNode() || value.isNull()) return false;
        if (value.isNumber()) return value.asDouble() == 0;
        if (!value.isTextual()) throw new BadRequest(400, "Unsupported type: '" + goKind(value) + "'");
        var text = value.asText();
        if (!GO_DURATION.matcher(text).matches()) {
            var problem = GO_NUMBER.matcher(text).matches() ? "missing unit in" : "invalid";
            throw new BadRequest(400, "time: " + problem + " duration \"" + text + "\"");
        }
        return text.replaceAll("[^0-9]", "").chars().allMatch(c -> c == '0');
    }

    private static boolean hasGoType(JsonNode value, String goType) {
        return switch (goType) {
            case "string" -> value.isTextual();
            case "bool" -> value.isBoolean();
            case "map[string]interface {}" -> value.isObject();
            default -> value.isArray(); // slices
        };
    }

    private static BadRequest unmarshal(JsonNode value, String target) {
        return new BadRequest(400, "json: cannot unmarshal " + jsonKind(value) + " into " + target);
    }

    private static String jsonKind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            case ARRAY -> "array";
            default -> value instanceof NullNode ? "null" : "object";
        };
    }

    private static String goKind(JsonNode value) {
        return switch (value.getNodeType()) {
            case BOOLEAN -> "bool";
            case ARRAY -> "[]interface {}";
            default -> "map[string]interface {}";
        };
    }
}

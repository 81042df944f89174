package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ollama's OpenAI compatibility layer for one {@code /v1/chat/completions} reply ({@code middleware.ChatWriter} and
 * {@code openai.ToChunk}/{@code ToChatCompletion} of Ollama 0.12): every native chunk becomes one SSE event
 * {@code data: <chunk>\n\n} with {@code role:"assistant"} in every delta, {@code reasoning} for thinking, and
 * {@code finish_reason} on the event of the final native chunk ({@code tool_calls} once a tool call was sent); then
 * the usage chunk (when {@code include_usage}) and {@code data: [DONE]}. A mid-stream native error line becomes, as
 * in Ollama, an event with empty content and no model, and the stream ends without a finish reason or
 * {@code [DONE]}. Errors before the reply are OpenAI error objects.
 */
final class OpenAiChat implements Replies {
    /** Ollama's ids are {@code chatcmpl-} + a random number below this (not unique; clients don't care). */
    private static final int ID_BOUND = 999;
    /** Alphabet and length of the tool-call ids Ollama 0.12's layer made up: {@code call_} + 8 of these. */
    private static final String CALL_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int CALL_ID_LENGTH = 8;
    /** Go's json.Encoder content type and line end, as Ollama's writers use them. */
    private static final String ENCODER_JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final Exchange exchange;
    private final boolean includeUsage;
    private final String id = "chatcmpl-" + ThreadLocalRandom.current().nextInt(ID_BOUND);
    private final long created = Instant.now().getEpochSecond();
    private boolean toolCallSent;

    OpenAiChat(Exchange exchange, boolean includeUsage) {
        this.exchange = exchange;
        this.includeUsage = includeUsage;
    }

    @Override
    public void startStream() { exchange.startStream(EVENT_STREAM); }

    @Override
    public void writeLine(JsonNode chunk) {
        var message = chunk.path("message");
        var calls = toolCalls(message.path("tool_calls"));
        var event = head("chat.completion.chunk", chunk.path("model").asText(""), created);
        var choice = event.putArray("choices").addObject().put("index", 0);
        choice.set("delta", message(message, calls));
        var reason = chunk.path("done_reason").asText("");
        if (reason.isEmpty()) choice.putNull("finish_reason");
        else choice.put("finish_reason", toolCallSent || !calls.isEmpty() ? "tool_calls" : reason);
        toolCallSent |= !calls.isEmpty();
        event(event);
        if (!chunk.path("done").asBoolean(false)) return;
        if (includeUsage) {
            event.putArray("choices");
            event.set("usage", usage(chunk));
            event(event);
        }
        exchange.write(DONE);
    }

    @Override
    public void json(int status, JsonNode body) {
        if (status != 200) {
            error(exchange, status, body.path("error").asText(""), true);
            return;
        }
        var message = body.path("message");
        var calls = toolCalls(message.path("tool_calls"));
        var createdAt = OffsetDateTime.parse(body.path("created_at").asText()).toEpochSecond();
        var completion = head("chat.completion", body.path("model").asText(""), createdAt);
        var choice = completion.putArray("choices").addObject().put("index", 0);
        choice.set("message", message(message, calls));
        var reason = calls.isEmpty() ? body.path("done_reason").asText("") : "tool_calls";
        if (reason.isEmpty()) choice.putNull("finish_reason");
        else choice.put("finish_reason", reason);
        completion.set("usage", usage(body));
        encode(exchange, 200, completion);
    }

    /**
     * {@code {"error":{"message","type","param":null,"code":null}}}, the type from the status as in Ollama's
     * {@code openai.NewError}. {@code translated}: a native error passed through the layer's writer (Go encoder,
     * {@code application/json}, newline); else the layer's own check failed (gin's JSON, with charset, no newline).
     */
    static void error(Exchange exchange, int status, String message, boolean translated) {
        var type = switch (status) {
            case 400 -> "invalid_request_error";
            case 404 -> "not_found_error";
            default -> "api_error";
        };
        var body = Wire.object();
        body.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        if (translated) encode(exchange, status, body);
        else exchange.json(status, body);
    }

    /** What the layer's writers send: Go's {@code json.NewEncoder(w).Encode(v)}, compact JSON and a newline. */
    static void encode(Exchange exchange, int status, JsonNode node) {
        exchange.send(status, ENCODER_JSON, Wire.line(node));
    }

    private void event(ObjectNode chunk) {
        var json = new String(Wire.bytes(chunk), StandardCharsets.UTF_8);
        exchange.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode head(String object, String model, long createdAt) {
        return Wire.object().put("id", id).put("object", object).put("created", createdAt).put("model", model)
                .put("system_fingerprint", "fp_ollama");
    }

    /** {@code openai.Message}: role (always "assistant"), content, then the omitempty reasoning and tool_calls. */
    private static ObjectNode message(JsonNode nativeMessage, ArrayNode calls) {
        var out = Wire.object().put("role", "assistant").put("content", nativeMessage.path("content").asText(""));
        var thinking = nativeMessage.path("thinking").asText("");
        if (!thinking.isEmpty()) out.put("reasoning", thinking);
        if (!calls.isEmpty()) out.set("tool_calls", calls);
        return out;
    }

    /** Native calls → {@code {id, index, type:"function", function{name, arguments:"<JSON text>"}}}. */
    private static ArrayNode toolCalls(JsonNode nativeCalls) {
        var out = Wire.MAPPER.createArrayNode();
        for (var call : nativeCalls) {
            var function = call.path("function");
            var id = call.path("id").asText("");
            out.addObject().put("id", id.isEmpty() ? newCallId() : id).put("index", function.path("index").asInt(0))
                    .put("type", "function").putObject("function").put("name", function.path("name").asText(""))
                    .put("arguments", new String(Wire.bytes(sorted(function.path("arguments"))), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static ObjectNode usage(JsonNode nativeFinal) {
        var prompt = nativeFinal.path("prompt_eval_count").asInt(0);
        var completion = nativeFinal.path("eval_count").asInt(0);
        return Wire.object().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** Go marshals a map with its keys sorted, at every level. */
    private static JsonNode sorted(JsonNode node) {
        if (node.isArray()) {
            var out = Wire.MAPPER.createArrayNode();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        if (!node.isObject()) return node.isMissingNode() ? Wire.MAPPER.nullNode() : node;
        var out = Wire.object();
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        names.stream().sorted().forEach(name -> out.set(name, sorted(node.get(name))));
        return out;
    }

    private static String newCallId() {
        var random = ThreadLocalRandom.current();
        var id = new StringBuilder("call_");
        for (int i = 0; i < CALL_ID_LENGTH; i++) id.append(CALL_ID_ALPHABET.charAt(random.nextInt(CALL_ID_ALPHABET.length())));
        return id.toString();
    }
}

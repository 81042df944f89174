package dev.idleclaw.front.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.front.CapabilityCheck;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.registry.ModelCatalog;
import dev.idleclaw.relay.TokenEstimate;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The hub's Anthropic Messages door: {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens} (docs/protocol.md). */
public final class AnthropicDoor {
    /** Anthropic's "overloaded" status: every node serving the model is busy. */
    static final int OVERLOADED = 529;

    private final ChatRelay relay;
    private final ModelCatalog catalog;

    public AnthropicDoor(ChatRelay relay, ModelCatalog catalog) {
        this.relay = relay;
        this.catalog = catalog;
    }

    public void messages(Context ctx) throws IOException, InterruptedException {
        AnthropicRequests.Call call;
        ChatRequest request;
        try {
            call = AnthropicRequests.decode(BodyJson.object(ctx.bodyAsBytes()));
            request = relaxThinking(call.request().withModel(catalog.resolve(call.request().model())));
            CapabilityCheck.check(catalog, request);
        } catch (DoorError e) {
            error(ctx.res(), e.status(), e.getMessage());
            return;
        }
        var job = new ChatRelay.Job("anthropic", request.model(), link -> OllamaJson.params(request, null), Caller.of(ctx));
        relay.run(job, new AnthropicSink(ctx.res(), call.request().model(), call.stream()));
    }

    /**
     * As Ollama's own Anthropic door: asking a model that cannot think to think drops the request for thinking
     * instead of refusing it, since Claude Code asks for thinking on every turn whatever the model.
     */
    private ChatRequest relaxThinking(ChatRequest r) {
        if (!r.wantsThinking()) return r;
        var entry = catalog.find(r.model());
        if (entry.isEmpty() || entry.get().capabilities().contains("thinking")) return r;
        return new ChatRequest(r.model(), r.messages(), null, r.tools(), r.format(), r.options(), r.keepAlive());
    }

    /** {@code {"input_tokens": N}}: an upper estimate (no tokenizer on the hub) of the messages, system prompt and tools. */
    public void countTokens(Context ctx) throws IOException {
        AnthropicRequests.Call call;
        try {
            call = AnthropicRequests.decode(BodyJson.object(ctx.bodyAsBytes()));
        } catch (DoorError e) {
            error(ctx.res(), e.status(), e.getMessage());
            return;
        }
        long tokens = 0;
        for (ChatMessage m : call.request().messages()) {
            tokens += TokenEstimate.of(m.content()) + TokenEstimate.of(m.thinking());
            if (m.toolCalls() != null) tokens += m.toolCalls().stream().mapToLong(tc -> TokenEstimate.of(Json.write(tc.arguments()))).sum();
        }
        if (call.request().tools() != null) tokens += TokenEstimate.of(Json.write(call.request().tools()));
        write(ctx.res(), 200, Json.object().put("input_tokens", tokens));
    }

    /** Writes Anthropic's error object with the type that belongs to {@code status}. */
    public static void error(HttpServletResponse res, int status, String message) throws IOException {
        write(res, status, errorBody(status, message));
    }

    /** {@code {"type":"error","error":{"type":…,"message":…}}}. */
    public static ObjectNode errorBody(int status, String message) {
        ObjectNode o = Json.object().put("type", "error");
        o.putObject("error").put("type", type(status)).put("message", message);
        return o;
    }

    /** Anthropic's error type for a status. */
    public static String type(int status) {
        return switch (status) {
            case 400, 409, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, OVERLOADED -> "overloaded_error";
            default -> "api_error";
        };
    }

    private static void write(HttpServletResponse res, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}

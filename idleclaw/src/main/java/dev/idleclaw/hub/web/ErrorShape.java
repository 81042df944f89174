package dev.idleclaw.hub.web;

import dev.idleclaw.front.anthropic.AnthropicFace;
import dev.idleclaw.front.openai.OpenAiFace;
import dev.idleclaw.json.Json;
import io.javalin.http.Context;

/** Each front door's error body: IdleClaw {@code {"detail"}}, Ollama {@code {"error"}}, OpenAI {@code {"error":{…}}}, Anthropic {@code {"type":"error","error":{…}}}. */
enum ErrorShape {
    IDLECLAW, OLLAMA, OPENAI, ANTHROPIC;

    /**
     * The shape a path's clients expect. {@code /api/chat} serves two dialects, so {@code HubRoutes} decides its shape
     * per request; by path alone it is IdleClaw's.
     */
    static ErrorShape of(String path) {
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) return ANTHROPIC;
        if (path.startsWith("/v1/")) return OPENAI;
        if (path.equals("/api/generate") || path.equals("/api/tags") || path.equals("/api/show") || path.equals("/api/ps")
                || path.equals("/api/version") || path.equals("/api/embed") || path.equals("/api/embeddings")) {
            return OLLAMA;
        }
        return IDLECLAW;
    }

    void write(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(body(status, message));
    }

    /** The error body this shape's clients parse, for {@code status} and {@code message}. */
    String body(int status, String message) {
        return switch (this) {
            case IDLECLAW -> Json.write(Json.object().put("detail", message));
            case OLLAMA -> Json.write(Json.object().put("error", message));
            case OPENAI -> {
                var err = Json.object();
                String code = status == 429 ? "rate_limit_exceeded" : null;
                err.putObject("error").put("message", message).put("type", OpenAiFace.type(status)).putNull("param").put("code", code);
                yield Json.write(err);
            }
            case ANTHROPIC -> Json.write(AnthropicFace.errorBody(status, message));
        };
    }
}

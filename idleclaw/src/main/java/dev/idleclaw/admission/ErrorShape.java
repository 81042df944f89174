package dev.idleclaw.admission;

import dev.idleclaw.front.anthropic.AnthropicDoor;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.json.Json;
import io.javalin.http.Context;

/**
 * Each front door's error body: IdleClaw {@code {"detail"}} (FastAPI's), Ollama {@code {"error"}}, OpenAI
 * {@code {"error":{…}}}, Anthropic {@code {"type":"error","error":{…}}}. Which one a request gets is chosen by the
 * door that handles it ({@link DoorShapes}), never by the path's look.
 */
public enum ErrorShape {
    IDLECLAW, OLLAMA, OPENAI, ANTHROPIC;

    /** Answers {@code status} with {@code message} in this shape. */
    public void write(Context ctx, int status, String message) {
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
                err.putObject("error").put("message", message).put("type", OpenAiDoor.type(status)).putNull("param").put("code", code);
                yield Json.write(err);
            }
            case ANTHROPIC -> Json.write(AnthropicDoor.errorBody(status, message));
        };
    }
}

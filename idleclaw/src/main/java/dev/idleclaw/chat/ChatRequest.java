package dev.idleclaw.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The canonical chat request every front door decodes into, and the shape a node forwards to Ollama.
 * Optional Ollama-only parts ({@code tools}, {@code format}, {@code options}, {@code keepAlive}) stay as JSON
 * because the hub passes them through untouched. {@code think} is a boolean or a level string; null = absent.
 */
public record ChatRequest(String model, List<ChatMessage> messages, JsonNode think, JsonNode tools,
                          JsonNode format, JsonNode options, JsonNode keepAlive) {

    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, null, null, null, null, null);
    }

    public ChatRequest withModel(String other) {
        return new ChatRequest(other, messages, think, tools, format, options, keepAlive);
    }

    /** True when {@code think} asks for thinking (true, or any level string). */
    public boolean wantsThinking() {
        return think != null && (think.isTextual() || think.asBoolean(false));
    }
}

package dev.idleclaw.chat;

import java.util.List;

/** One conversation message, following Ollama's message semantics. Optional fields are null when absent. */
public record ChatMessage(String role, String content, String thinking, List<String> images,
                         List<ToolCall> toolCalls, String toolName, String toolCallId) {

    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, null, null, null, null, null);
    }
}

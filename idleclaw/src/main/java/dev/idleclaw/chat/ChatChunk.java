package dev.idleclaw.chat;

import java.util.List;

/** One streamed piece of an answer. Any part may be empty; {@code toolCalls} is empty when none. */
public record ChatChunk(String content, String thinking, List<ToolCall> toolCalls) {

    public boolean isEmpty() {
        return content.isEmpty() && thinking.isEmpty() && toolCalls.isEmpty();
    }
}

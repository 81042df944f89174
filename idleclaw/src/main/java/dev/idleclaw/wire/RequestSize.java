package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How big one chat request is, measured on its Ollama parameters without serializing them: the message count, the
 * longest message's characters (code points, as nodes count them), the exact bytes of the compact JSON
 * ({@link JsonBytes}), and the characters a model has to read (message texts and tool schemas).
 */
public record RequestSize(int messages, int longestMessageChars, long paramsBytes, long promptChars) {
    /**
     * Characters per token of typical English prose and code: the estimate a context window is compared with. A
     * lower figure would refuse prompts that fit; the node sizes {@code num_ctx} with {@link #GENEROUS_CHARS_PER_TOKEN}.
     */
    public static final int TYPICAL_CHARS_PER_TOKEN = 4;
    /** Characters per token of dense text (code, JSON, non-English): {@code num_ctx} is sized with it so prompts fit. */
    public static final int GENEROUS_CHARS_PER_TOKEN = 3;

    /** The size of {@code params} ({@code model}, {@code messages}, {@code tools}, …). */
    public static RequestSize of(JsonNode params) {
        JsonNode messages = params.path("messages");
        int longest = 0;
        long prompt = 0;
        for (JsonNode m : messages) {
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                String text = content.textValue();
                int chars = text.codePointCount(0, text.length());
                longest = Math.max(longest, chars);
                prompt += chars;
            }
            JsonNode calls = m.path("tool_calls");
            if (!calls.isMissingNode()) prompt += JsonBytes.of(calls);
        }
        JsonNode tools = params.path("tools");
        if (!tools.isMissingNode()) prompt += JsonBytes.of(tools);
        return new RequestSize(messages.size(), longest, JsonBytes.of(params), prompt);
    }

    /** The prompt's tokens by {@link #TYPICAL_CHARS_PER_TOKEN}: more than a model's context means it cannot fit. */
    public long typicalTokens() {
        return (promptChars + TYPICAL_CHARS_PER_TOKEN - 1) / TYPICAL_CHARS_PER_TOKEN;
    }

    /** The prompt's tokens by {@link #GENEROUS_CHARS_PER_TOKEN}: enough room for nearly every real prompt. */
    public long generousTokens() {
        return (promptChars + GENEROUS_CHARS_PER_TOKEN - 1) / GENEROUS_CHARS_PER_TOKEN;
    }
}

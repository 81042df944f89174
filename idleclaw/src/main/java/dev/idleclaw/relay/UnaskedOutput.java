package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatChunk;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Drops what a backend sends that its request did not ask for: tool calls when no tool was offered (a client may
 * run them), and thinking when {@code think} was {@code false}. One per request and relay path, so every door gets
 * the same rule. Each kind is reported once per request, so the relay can count it against the backend.
 */
final class UnaskedOutput {
    /** What a backend sent unasked. */
    enum Kind {
        TOOL_CALLS, THINKING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final boolean toolsOffered;
    private final boolean thinkingAllowed;
    private final EnumSet<Kind> seen = EnumSet.noneOf(Kind.class);

    private UnaskedOutput(boolean toolsOffered, boolean thinkingAllowed) {
        this.toolsOffered = toolsOffered;
        this.thinkingAllowed = thinkingAllowed;
    }

    /**
     * The rule for the Ollama {@code params} sent: tools were offered when {@code tools} is a non-empty list;
     * thinking is allowed unless {@code think} is {@code false} (Ollama thinks by default for models that can).
     */
    static UnaskedOutput of(JsonNode params) {
        JsonNode tools = params.path("tools");
        JsonNode think = params.path("think");
        return new UnaskedOutput(tools.isArray() && !tools.isEmpty(), !(think.isBoolean() && !think.booleanValue()));
    }

    /** {@code c} without the unasked parts; {@code firstTime} hears each kind the first time this request sees it. */
    ChatChunk keep(ChatChunk c, Consumer<Kind> firstTime) {
        boolean dropCalls = !toolsOffered && !c.toolCalls().isEmpty();
        boolean dropThinking = !thinkingAllowed && !c.thinking().isEmpty();
        if (!dropCalls && !dropThinking) return c;
        if (dropCalls && seen.add(Kind.TOOL_CALLS)) firstTime.accept(Kind.TOOL_CALLS);
        if (dropThinking && seen.add(Kind.THINKING)) firstTime.accept(Kind.THINKING);
        return new ChatChunk(c.content(), dropThinking ? "" : c.thinking(), dropCalls ? List.of() : c.toolCalls());
    }
}

package dev.idleclaw.front;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Which dialect answers a {@code POST /api/chat} (design.md, "/api/chat serves two dialects"):
 * {@code Accept: text/event-stream} → IdleClaw SSE; an explicit {@code stream} field, any Ollama-only key
 * ({@code options}, {@code format}, {@code keep_alive}, {@code tools}, message {@code images}) or
 * {@code Accept: application/x-ndjson} → Ollama NDJSON; a bare {@code {model, messages[, think]}} → IdleClaw SSE.
 */
public enum ChatDialect {
    IDLECLAW, OLLAMA;

    /** How a hub chooses: by the rule above, or always one dialect. */
    public enum Mode { AUTO, IDLECLAW, OLLAMA }

    private static final String[] OLLAMA_KEYS = {"stream", "options", "format", "keep_alive", "tools"};

    /** {@code body} may be null (unparseable); such bodies keep the IdleClaw dialect, whose errors clients expect. */
    public static ChatDialect pick(Mode mode, String accept, JsonNode body) {
        return switch (mode) {
            case IDLECLAW -> IDLECLAW;
            case OLLAMA -> OLLAMA;
            case AUTO -> auto(accept, body);
        };
    }

    private static ChatDialect auto(String accept, JsonNode body) {
        String a = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        if (a.contains("text/event-stream")) return IDLECLAW;
        if (a.contains("application/x-ndjson")) return OLLAMA;
        if (body == null || !body.isObject()) return IDLECLAW;
        for (String k : OLLAMA_KEYS) if (body.has(k)) return OLLAMA;
        for (JsonNode m : body.path("messages")) if (m.has("images")) return OLLAMA;
        return IDLECLAW;
    }
}

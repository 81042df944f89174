package dev.idleclaw.front;

import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.registry.ModelCatalog;

/**
 * Refuses, as Ollama does, tools or thinking for a model whose nodes say it cannot use them (400 before any node
 * is involved). Unknown models pass: the scheduler answers those with 404.
 */
public final class CapabilityCheck {
    private CapabilityCheck() {}

    public static void check(ModelCatalog catalog, ChatRequest request) throws DoorError {
        var entry = catalog.find(request.model());
        if (entry.isEmpty()) return;
        var caps = entry.get().capabilities();
        if (request.tools() != null && !caps.contains("tools")) {
            throw new DoorError(400, fullName(request.model()) + " does not support tools");
        }
        if (request.wantsThinking() && !caps.contains("thinking")) {
            throw new DoorError(400, "\"" + request.model() + "\" does not support thinking");
        }
    }

    /** Ollama's registry form of a model name: {@code registry.ollama.ai/library/llama3.2:latest}. */
    static String fullName(String model) {
        String withTag = model.contains(":") ? model : model + ":latest";
        return "registry.ollama.ai/" + (withTag.contains("/") ? "" : "library/") + withTag;
    }
}

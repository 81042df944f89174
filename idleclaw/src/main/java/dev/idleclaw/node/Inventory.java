package dev.idleclaw.node;

import dev.idleclaw.ollama.OllamaClient;
import dev.idleclaw.ollama.OllamaException;
import dev.idleclaw.ollama.OllamaModel;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.WireLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the local Ollama offers, read once at startup: the models to register (at most 20, with size and our
 * optional extras) and Ollama's version ({@code "unknown"} when it does not say).
 */
public record Inventory(List<ModelInfo> models, String ollamaVersion) {
    private static final Logger log = LoggerFactory.getLogger(Inventory.class);

    public Inventory {
        models = List.copyOf(models);
    }

    /** Model name → its trained context window from {@code /api/show}, for the models that report one. */
    public Map<String, Integer> contextLengths() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ModelInfo m : models) if (m.contextLength() != null) out.put(m.name(), m.contextLength());
        return out;
    }

    /** Model name → capabilities from {@code /api/show} (empty when unknown), in registration order. */
    public Map<String, List<String>> capabilities() {
        Map<String, List<String>> caps = new LinkedHashMap<>();
        for (ModelInfo m : models) caps.put(m.name(), m.capabilities() == null ? List.of() : m.capabilities());
        return caps;
    }

    /** Lists models, reads the version and each model's capabilities ({@code /api/show} failures are ignored). */
    public static Inventory discover(OllamaClient ollama) throws NodeStartupException {
        String url = ollama.baseUrl().toString();
        List<OllamaModel> tags;
        try {
            tags = ollama.tags();
        } catch (OllamaException e) {
            throw new NodeStartupException(e.unreachable()
                    ? e.getMessage() + ". Start it with `ollama serve`, or point --ollama / OLLAMA_HOST at it."
                    : "Ollama at " + url + " could not list its models: " + e.getMessage());
        }
        List<OllamaModel> usable = new ArrayList<>();
        for (OllamaModel m : tags) {
            if (m.name().length() > WireLimits.MAX_ID_CHARS) {
                log.warn("skipping model {}…: names longer than {} characters cannot be registered",
                        m.name().substring(0, 20), WireLimits.MAX_ID_CHARS);
            } else {
                usable.add(m);
            }
        }
        if (usable.isEmpty()) {
            throw new NodeStartupException("Ollama at " + url + " has no models. Pull one first, e.g. `ollama pull llama3.2`.");
        }
        if (usable.size() > WireLimits.MAX_MODELS_PER_NODE) {
            log.warn("Ollama has {} models; registering the first {} (the protocol limit)", usable.size(),
                    WireLimits.MAX_MODELS_PER_NODE);
            usable = usable.subList(0, WireLimits.MAX_MODELS_PER_NODE);
        }
        String version;
        try {
            version = ollama.version();
        } catch (OllamaException e) {
            log.warn("cannot read Ollama's version ({}); registering as \"unknown\"", e.getMessage());
            version = "unknown";
        }
        List<ModelInfo> models = new ArrayList<>();
        for (OllamaModel m : usable) {
            List<String> caps = m.capabilities();
            Integer context = null;
            try {
                var shown = ollama.describe(m.name());
                caps = shown.capabilities();
                context = shown.contextLength();
            } catch (OllamaException e) {
                log.debug("no capabilities for {}: {}", m.name(), e.getMessage());
            }
            models.add(new ModelInfo(m.name(), m.size(), m.digest(), m.modifiedAt(), m.details(),
                    caps.isEmpty() ? null : caps, context));
        }
        return new Inventory(models, version);
    }
}

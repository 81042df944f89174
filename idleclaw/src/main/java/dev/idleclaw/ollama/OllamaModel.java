package dev.idleclaw.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One entry of Ollama's {@code GET /api/tags}. {@code digest}, {@code modifiedAt} and {@code details} are null
 * when absent; {@code capabilities} is empty unless the Ollama build lists them there (v0.33+).
 */
public record OllamaModel(String name, long size, String digest, String modifiedAt, ObjectNode details,
                          List<String> capabilities) {

    public OllamaModel {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }
}

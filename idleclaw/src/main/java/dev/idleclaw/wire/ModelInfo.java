package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A model a node offers. {@code name} and {@code size} are IdleClaw's fields; the others are our optional
 * extras (from Ollama's {@code /api/tags} and {@code /api/show}) that original servers ignore. Null when absent.
 */
public record ModelInfo(String name, long size, String digest, String modifiedAt, ObjectNode details,
                        List<String> capabilities) {

    public static ModelInfo of(String name, long size) {
        return new ModelInfo(name, size, null, null, null, null);
    }
}

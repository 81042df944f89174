package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A model a node offers. {@code name} and {@code size} are IdleClaw's fields; the others are our optional
 * extras (from Ollama's {@code /api/tags} and {@code /api/show}) that original servers ignore. Null when absent;
 * {@code contextLength} is the model's trained context window in tokens ({@code <arch>.context_length}).
 */
public record ModelInfo(String name, long size, String digest, String modifiedAt, ObjectNode details,
                        List<String> capabilities, Integer contextLength) {

    /** A model without a known context window. */
    public ModelInfo(String name, long size, String digest, String modifiedAt, ObjectNode details, List<String> capabilities) {
        this(name, size, digest, modifiedAt, details, capabilities, null);
    }

    public static ModelInfo of(String name, long size) {
        return new ModelInfo(name, size, null, null, null, null);
    }
}

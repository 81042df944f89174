package dev.idleclaw.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A model the stand-in Ollama serves: what {@code /api/tags}, {@code /api/ps} and {@code /api/show} report,
 * and which capabilities {@code /api/chat} checks ({@code tools}, {@code thinking}).
 *
 * @param name          full name with a tag, e.g. {@code llama3.2:latest} (a missing tag becomes {@code :latest})
 * @param size          size in bytes
 * @param digest        64 lower-case hex characters, no {@code sha256:} prefix
 * @param modifiedAt    RFC 3339 timestamp with an offset (ollama4j parses it as {@code OffsetDateTime})
 * @param family        model family, e.g. {@code llama}
 * @param parameterSize e.g. {@code 3.2B}
 * @param quantization  e.g. {@code Q4_K_M}
 * @param capabilities  e.g. {@code completion}, {@code tools}, {@code thinking}
 * @param contextLength the trained context window {@code /api/show} reports ({@code <family>.context_length})
 */
public record StandInModel(String name, long size, String digest, String modifiedAt, String family,
                           String parameterSize, String quantization, List<String> capabilities, int contextLength) {

    /** Size of llama3.2:3b Q4_K_M, the example in the Ollama docs. */
    public static final long DEFAULT_SIZE = 2_019_393_189L;
    /** llama3.2's trained context window. */
    public static final int DEFAULT_CONTEXT_LENGTH = 131_072;

    public StandInModel {
        name = normalize(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        OffsetDateTime.parse(modifiedAt); // fail fast: /api/tags sorts on it and clients parse it
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(parameterSize, "parameterSize");
        Objects.requireNonNull(quantization, "quantization");
        capabilities = List.copyOf(capabilities);
    }

    /**
     * A model with sane defaults: llama family, 3.2B Q4_K_M, a stable digest (sha256 of the full name), modified now
     * (local offset), capabilities {@code completion, tools}, plus {@code thinking} when the name contains "qwen3";
     * a name containing "embed" (e.g. {@code nomic-embed-text}) is an embedding model: capabilities {@code embedding}.
     */
    public static StandInModel of(String name) {
        var full = normalize(name);
        var caps = full.contains("embed") ? List.of("embedding")
                : full.contains("qwen3") ? List.of("completion", "tools", "thinking") : List.of("completion", "tools");
        return new StandInModel(full, DEFAULT_SIZE, sha256(full), Wire.localNow(), "llama", "3.2B", "Q4_K_M", caps,
                DEFAULT_CONTEXT_LENGTH);
    }

    /** This model with exactly the given capabilities. */
    public StandInModel withCapabilities(String... caps) {
        return new StandInModel(name, size, digest, modifiedAt, family, parameterSize, quantization, List.of(caps), contextLength);
    }

    /** This model with another modification time (RFC 3339 with offset); {@code /api/tags} lists newest first. */
    public StandInModel withModifiedAt(String rfc3339) {
        return new StandInModel(name, size, digest, rfc3339, family, parameterSize, quantization, capabilities, contextLength);
    }

    /** This model with another size in bytes (what a node registers; the hub bounds decoding speed by it). */
    public StandInModel withSize(long bytes) {
        return new StandInModel(name, bytes, digest, modifiedAt, family, parameterSize, quantization, capabilities, contextLength);
    }

    /** This model with another trained context window. */
    public StandInModel withContextLength(int tokens) {
        return new StandInModel(name, size, digest, modifiedAt, family, parameterSize, quantization, capabilities, tokens);
    }

    /** Whether the model has the capability, e.g. {@code "thinking"}. */
    public boolean can(String capability) {
        return capabilities.contains(capability);
    }

    /** Adds {@code :latest} when the name has no tag (the tag follows the last ':' after the last '/'). */
    static String normalize(String name) {
        var slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) >= 0 ? name : name + ":latest";
    }

    private static String sha256(String text) {
        try {
            var hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

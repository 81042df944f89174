package dev.idleclaw.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool invocation requested by a model, in Ollama's shape: {@code arguments} is a JSON object,
 * {@code id} and {@code index} may be absent (Ollama before v0.13).
 */
public record ToolCall(String id, Integer index, String name, JsonNode arguments) {}

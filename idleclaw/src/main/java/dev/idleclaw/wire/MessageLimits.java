package dev.idleclaw.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The node's checks on the messages of an {@code inference_request} (idleclaw-wire.md §5), in one place so that the
 * hub sends a request only to a node that would accept it: known roles, and the node's {@link NodeLimits}.
 */
public final class MessageLimits {
    /** Roles Ollama's chat accepts. */
    public static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");

    private MessageLimits() {}

    /** Why an original node would refuse {@code messages}, naming the limit, or null when it would accept them. */
    public static String violation(JsonNode messages) {
        return violation(messages, NodeLimits.ORIGINAL);
    }

    /** Why a node with {@code limits} would refuse {@code messages}, naming the limit, or null when it would accept them. */
    public static String violation(JsonNode messages, NodeLimits limits) {
        if (messages == null || !messages.isArray()) return "messages is not a list";
        if (messages.size() > limits.maxMessages()) {
            return "too many messages: " + messages.size() + " (nodes accept at most " + limits.maxMessages() + ")";
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) return "message " + i + " is not an object";
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                return "message " + i + " has an unknown role (nodes accept user, assistant, system and tool)";
            }
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                String text = content.textValue();
                int chars = text.codePointCount(0, text.length());
                if (chars > limits.maxMessageChars()) {
                    return "message " + i + " is " + chars + " characters long (nodes accept at most "
                           + limits.maxMessageChars() + " per message)";
                }
            }
        }
        return null;
    }
}

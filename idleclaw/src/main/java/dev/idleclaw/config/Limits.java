package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one caller may ask of the hub: request rates and open nodes and chats per address, messages per request, and
 * the content the IdleClaw door refuses.
 *
 * @param chatRpm             chat requests per minute per address
 * @param wsRpm               node connections per minute per address
 * @param defaultRpm          every other request per minute per address
 * @param contentDenyPatterns regular expressions (matched case-insensitively) an IdleClaw-door prompt must not match
 */
public record Limits(int chatRpm, int wsRpm, int defaultRpm, int maxNodesPerIp, int maxChatsPerIp, int maxMessages,
                     List<String> contentDenyPatterns) {

    /** Upstream per-IP budgets per minute: chat is the expensive path, node sockets are rare, the rest cheap. */
    public static final int DEFAULT_CHAT_RPM = 20, DEFAULT_WS_RPM = 5, DEFAULT_OTHER_RPM = 60;
    /** Upstream: one household or NAT gets three nodes and three simultaneous chats. */
    public static final int DEFAULT_NODES_PER_IP = 3, DEFAULT_CHATS_PER_IP = 3;
    /**
     * Messages per request on the Ollama, OpenAI, Responses and Anthropic doors: an agent adds two per tool step, and
     * a long session runs to a few hundred before it compacts (the IdleClaw door keeps the original's 50).
     */
    public static final int DEFAULT_MAX_MESSAGES = 500;
    /** The IdleClaw door's own message limit: the other doors never accept less. */
    static final int MIN_MESSAGES = 50;

    public Limits {
        contentDenyPatterns = List.copyOf(contentDenyPatterns);
        require(chatRpm > 0, "--rate-limit-chat must be positive, got " + chatRpm);
        require(wsRpm > 0, "--rate-limit-ws must be positive, got " + wsRpm);
        require(defaultRpm > 0, "--rate-limit-default must be positive, got " + defaultRpm);
        require(maxNodesPerIp > 0, "--max-nodes-per-ip must be positive, got " + maxNodesPerIp);
        require(maxChatsPerIp > 0, "--max-chats-per-ip must be positive, got " + maxChatsPerIp);
        require(maxMessages >= MIN_MESSAGES, "--max-messages must be at least " + MIN_MESSAGES + ", got " + maxMessages);
        for (String p : contentDenyPatterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--deny-pattern '" + p + "' is not a valid regular expression");
            }
        }
    }
}

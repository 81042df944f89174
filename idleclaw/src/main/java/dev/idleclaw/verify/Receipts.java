package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.registry.NodeLink;

/**
 * What verification does with the receipts of its hidden requests, and how it counts relayed tokens (the relay's
 * estimate, so a receipt is checked as a consumer's would be). The hub records them as an anonymous requester's
 * (docs/trust.md): the node is credited for the work, no consumer is charged.
 */
public interface Receipts {
    /** A node's receipt for hidden request {@code requestId} ({@code params} as sent, {@code relayedTokens} the estimate). */
    void accept(NodeLink link, String requestId, ObjectNode params, ChatEnd end, long relayedTokens, JsonNode receipt);

    /** The relay's token estimate of {@code text} (0 for null). */
    long tokens(String text);
}

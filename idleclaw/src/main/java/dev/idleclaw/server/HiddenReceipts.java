package dev.idleclaw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.relay.ReceiptDesk;
import dev.idleclaw.relay.TokenEstimate;
import dev.idleclaw.verify.Receipts;

/**
 * Receipts for hidden checks and re-runs: checked and recorded as an anonymous requester's, so the node is credited for
 * the work as for any anonymous consumer's request (which a hidden check must look like) and no consumer is charged.
 */
record HiddenReceipts(ReceiptDesk desk) implements Receipts {
    @Override
    public void accept(NodeLink link, String requestId, ObjectNode params, ChatEnd end, long relayedTokens, JsonNode receipt) {
        desk.accept(receipt, ReceiptDesk.forChat(link, requestId, params, end, relayedTokens, null, false));
    }

    @Override
    public long tokens(String text) {
        return text == null ? 0 : TokenEstimate.of(text);
    }
}

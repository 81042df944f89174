package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.registry.NodeLink;
import java.util.List;

/**
 * The Ollama parameters one front door sends a node for a consumer's messages, so that a hidden request is shaped
 * exactly like that door's traffic (the hub passes each door's own builder).
 */
@FunctionalInterface
public interface RequestShape {
    ObjectNode params(String model, List<ChatMessage> messages, NodeLink link);

    /** The OpenAI, Anthropic and Responses doors' shape (and Ollama's without options): the messages as they are. */
    RequestShape PLAIN = (model, messages, link) ->
            OllamaJson.params(new ChatRequest(model, messages, null, null, null, null, null), null);
}

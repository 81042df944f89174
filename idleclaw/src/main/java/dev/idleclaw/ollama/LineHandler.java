package dev.idleclaw.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives each parsed NDJSON line of a streamed {@code /api/chat}, the final {@code done:true} line included. */
@FunctionalInterface
public interface LineHandler {
    void onLine(ObjectNode line) throws Exception;
}

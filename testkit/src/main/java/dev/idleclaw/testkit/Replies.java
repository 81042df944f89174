package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a generation's native replies go: straight onto the wire ({@link Exchange}), or through Ollama's OpenAI
 * compatibility layer ({@link OpenAiChat}), which rewrites every native chunk the way Ollama's middleware does.
 */
interface Replies {
    /** Commits 200 and the streaming headers. */
    void startStream();

    /** One native chunk of a stream: a reply chunk, the final {@code done:true} one, or {@code {"error":…}}. */
    void writeLine(JsonNode chunk);

    /** A whole native reply, or a native error {@code {"error":…}} with its status. */
    void json(int status, JsonNode body);
}

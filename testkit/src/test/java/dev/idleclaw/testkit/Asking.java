package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.Client.lines;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Streamed chats with a stand-in language model: one prompt in, its chunks out. */
final class Asking {
    /** Greedy decoding, as re-runs and fingerprints ask. */
    static final String GREEDY = "{\"temperature\":0}";

    private Asking() {}

    /** The streamed chunks of {@code llama3.2}'s answer to one user message, with the given options object. */
    static List<JsonNode> chat(Client client, String prompt, String options) {
        return chat(client, "llama3.2", prompt, options);
    }

    static List<JsonNode> chat(Client client, String model, String prompt, String options) {
        var body = Wire.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.set("options", Client.json(options));
        return lines(client.post("/api/chat", body.toString()).body());
    }

    /** The greedy answer's content. */
    static String greedy(Client client, String prompt) { return content(chat(client, prompt, GREEDY)); }

    static String content(List<JsonNode> chunks) {
        var out = new StringBuilder();
        chunks.forEach(c -> out.append(c.path("message").path("content").asText()));
        return out.toString();
    }

    /** Whitespace-separated words of the content. */
    static List<String> words(String content) {
        return content.isBlank() ? List.of() : List.of(content.trim().split("\\s+"));
    }
}

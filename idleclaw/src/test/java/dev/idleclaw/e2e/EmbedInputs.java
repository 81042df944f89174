package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.testkit.RecordedRequest;
import dev.idleclaw.wire.WireLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Embedding inputs as large as the embedding doors take: as many per request as a node accepts, each of the most
 * characters an input may have (idleclaw-wire.md §6), all distinct so that each gets its own vector.
 */
public final class EmbedInputs {
    public static final int MAX_INPUTS = WireLimits.MAX_EMBED_INPUTS;
    public static final int MAX_CHARS = WireLimits.MAX_EMBED_INPUT_CHARS;

    private EmbedInputs() {}

    /** {@code count} distinct texts of exactly {@link #MAX_CHARS} characters: chunks of a long document (ASCII only). */
    public static List<String> longest(int count) {
        var texts = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            var text = new StringBuilder("Chunk ").append(i).append(" of the design document. ");
            while (text.length() < MAX_CHARS) {
                text.append("Paragraph ").append(text.length()).append(": the hub routes each request to a node that accepts it. ");
            }
            texts.add(text.substring(0, MAX_CHARS));
        }
        return List.copyOf(texts);
    }

    /** Asserts that the node's {@code /api/embed} to its Ollama carried exactly {@code texts}, whole and in order. */
    public static void assertForwarded(RecordedRequest embed, List<String> texts) {
        JsonNode input = embed.json().path("input");
        assertThat(input.size()).as("inputs the node sent").isEqualTo(texts.size());
        for (int i = 0; i < texts.size(); i++) assertThat(input.get(i).asText()).as("input %d", i).isEqualTo(texts.get(i));
    }
}

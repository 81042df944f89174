package dev.idleclaw.front.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.front.Bodies;
import java.util.ArrayList;
import java.util.List;

/** The Responses stream's events, checking the framing: {@code event: <type>}, then {@code data:} with that type. */
final class Events {
    static final String PATH = "/v1/responses";

    private Events() {}

    /** The data objects in order; comments (receipts, keep-alives) are skipped. */
    static List<JsonNode> of(String body) {
        if (body.contains("\r")) throw new AssertionError("CR in SSE framing: " + body);
        if (!body.endsWith("\n\n")) throw new AssertionError("SSE body does not end with a blank line: " + body);
        List<JsonNode> out = new ArrayList<>();
        for (String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (event.startsWith(":")) continue;
            String[] lines = event.split("\n", -1);
            if (lines.length != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
                throw new AssertionError("unexpected SSE event: " + event);
            }
            JsonNode data = Bodies.json(lines[1].substring(6));
            if (!data.path("type").asText().equals(lines[0].substring(7))) throw new AssertionError("event name is not its type: " + event);
            if (data.path("sequence_number").asInt(-1) != out.size()) throw new AssertionError("sequence_number out of order: " + event);
            out.add(data);
        }
        return out;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }
}

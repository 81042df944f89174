package dev.idleclaw.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/** Splits an IdleClaw SSE body into its events, checking the framing on the way. */
public record Sse(List<String> data, List<String> comments) {

    public static Sse parse(String body) {
        List<String> data = new ArrayList<>(), comments = new ArrayList<>();
        for (String event : body.split("\r\n\r\n", -1)) {
            if (event.isEmpty()) continue;
            if (event.startsWith(": ")) comments.add(event.substring(2));
            else if (event.startsWith("data: ")) data.add(event.substring(6));
            else throw new AssertionError("unexpected SSE event: " + event);
        }
        return new Sse(data, comments);
    }

    public List<JsonNode> deltas() {
        return data.stream().filter(d -> !d.equals("[DONE]")).map(d -> {
            try {
                return Json.parse(d).path("choices").path(0).path("delta");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    public String content() {
        var sb = new StringBuilder();
        for (JsonNode d : deltas()) if (!d.path("reasoning").asBoolean(false)) sb.append(d.path("content").asText(""));
        return sb.toString();
    }

    public String reasoning() {
        var sb = new StringBuilder();
        for (JsonNode d : deltas()) if (d.path("reasoning").asBoolean(false)) sb.append(d.path("content").asText(""));
        return sb.toString();
    }

    public boolean endsWithDone() {
        return !data.isEmpty() && data.getLast().equals("[DONE]");
    }
}

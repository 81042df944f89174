package dev.idleclaw.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One request the stand-in received, recorded before it was answered.
 *
 * @param method           HTTP method, e.g. {@code POST}
 * @param path             request path without the query, e.g. {@code /api/chat}
 * @param headers          request headers; names are case-insensitive
 * @param body             request body as UTF-8 text ({@code ""} when there was none)
 * @param connectionClosed completes when the stand-in noticed that the client closed the connection before the
 *                         reply was complete (a cancelled stream): within about 20 ms while the reply waits
 *                         (hang mode, per-token delays; the socket is probed), else at the next failed write.
 *                         Never completes for replies that finished
 * @param finished         completes when the stand-in is done with the request, whichever way it ended
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body,
                              CompletableFuture<Void> connectionClosed, CompletableFuture<Void> finished) {

    public RecordedRequest {
        var copy = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        var values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
        try {
            return Wire.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request body is not JSON: " + body, e);
        }
    }
}

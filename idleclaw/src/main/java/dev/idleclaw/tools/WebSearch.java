package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code web_search}: asks a SearXNG instance's JSON API ({@code GET {url}/search?q=…&format=json&categories=general};
 * the instance must enable the {@code json} format) and formats its top results (title, URL, snippet) for the model.
 */
public final class WebSearch implements Tool {
    public static final String NAME = "web_search";
    /** Results the model reads: enough to compare sources, few enough to keep the next prompt small. */
    static final int TOP_RESULTS = 5;
    /** Characters of one snippet: SearXNG snippets are a few sentences; longer ones are engine noise. */
    static final int SNIPPET_CHARS = 400;
    /** Bytes of one SearXNG answer: a page of results is tens of kilobytes. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /** Characters of one query: a search box's worth. */
    static final int MAX_QUERY_CHARS = 500;

    private final URI base;
    private final HttpClient http;

    /** Searches the SearXNG instance at {@code base} (e.g. {@code http://localhost:8888}). */
    public WebSearch(URI base, HttpClient http) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = http;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Search the web for current information. Returns the top results with title, URL and snippet.";
    }

    @Override
    public ObjectNode parameters() {
        return Tool.oneStringArgument("query", "The search query");
    }

    @Override
    public Output execute(JsonNode arguments, Duration timeout) throws ToolException, InterruptedException {
        String query = arguments.path("query").asText("").strip();
        if (query.isEmpty()) throw new ToolException("the query is empty");
        if (query.length() > MAX_QUERY_CHARS) query = query.substring(0, MAX_QUERY_CHARS);
        var uri = URI.create(base + "/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&format=json&categories=general");
        var request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        JsonNode answer;
        try {
            HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) throw new ToolException("the search service answered HTTP " + res.statusCode());
                byte[] body = in.readNBytes(MAX_ANSWER_BYTES + 1);
                if (body.length > MAX_ANSWER_BYTES) throw new ToolException("the search service's answer is too large");
                answer = Json.parse(body);
            }
        } catch (IOException e) {
            throw new ToolException("the search service is unreachable");
        }
        return format(answer);
    }

    /** The top results as numbered entries (says so when there are none), each one a source. */
    static Output format(JsonNode answer) throws ToolException {
        JsonNode results = answer.path("results");
        if (!results.isArray()) throw new ToolException("the search service's answer has no results list");
        var out = new StringBuilder();
        List<Source> sources = new ArrayList<>();
        for (JsonNode r : results) {
            Source source = Source.of(r.path("title").asText(""), r.path("url").asText(""));
            if (source == null) continue;
            String snippet = r.path("content").asText("").strip();
            if (snippet.length() > SNIPPET_CHARS) snippet = snippet.substring(0, SNIPPET_CHARS) + "…";
            sources.add(source);
            out.append(sources.size()).append(". ").append(source.title()).append('\n')
               .append("   URL: ").append(source.url()).append('\n');
            if (!snippet.isEmpty()) out.append("   ").append(snippet).append('\n');
            if (sources.size() == TOP_RESULTS) break;
        }
        return sources.isEmpty() ? Output.text("No results found.") : new Output("Search results:\n" + out, sources);
    }
}

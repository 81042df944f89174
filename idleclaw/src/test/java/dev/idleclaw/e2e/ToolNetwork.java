package dev.idleclaw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.testkit.StandInSearx;
import dev.idleclaw.wire.NodeLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A hub with server-side tools pointed at a stand-in SearXNG, one real node agent in front of a stand-in Ollama
 * serving {@link #NATIVE} (calls tools natively) and {@link #TEXT} (no tool capability: the {@code <tool_call>} text
 * form), and a plain HTTP client.
 */
final class ToolNetwork implements AutoCloseable {
    static final String NATIVE = "llama3.2:3b", TEXT = "gemma2:2b";
    /** An exchange that has not finished by then is stuck. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    final StandInSearx searx = StandInSearx.start();
    final StandInOllama ollama = StandInOllama.start().model(StandInModel.of(NATIVE))
            .model(StandInModel.of(TEXT).withCapabilities("completion"));
    final Network net;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Tools on (search URL set), then {@code change}. */
    ToolNetwork(Consumer<HubConfig.Builder> change) throws Exception {
        this(change, NodeLimits.AGENT);
    }

    /** Tools on, then {@code change}; the node accepts only requests within {@code limits}. */
    ToolNetwork(Consumer<HubConfig.Builder> change, NodeLimits limits) throws Exception {
        net = new Network(c -> {
            c.searchUrl = URI.create(searx.baseUrl());
            change.accept(c);
        });
        net.addNode(ollama, null, limits);
    }

    ToolNetwork() throws Exception {
        this(c -> {});
    }

    /** The model calls {@code rounds} (one list of calls each), then answers "The answer.". */
    @SafeVarargs
    final void model(List<Behaviour.ToolCall>... rounds) {
        ollama.behaviour(Behaviour.defaults().withTokens("The", " answer", ".").withToolRounds(rounds));
    }

    static Behaviour.ToolCall search(String query) {
        return Behaviour.ToolCall.of("web_search", "{\"query\":\"" + query + "\"}");
    }

    static Behaviour.ToolCall call(String name, String arguments) {
        return Behaviour.ToolCall.of(name, arguments);
    }

    /** POSTs {@code body} (JSON) with {@code headers} (name, value, …). */
    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(net.url() + path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json");
        if (headers.length > 0) req.headers(headers);
        return http.send(req.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The IdleClaw door's answer to one question to {@code model}. */
    HttpResponse<String> idleClaw(String model, String question) throws Exception {
        return post("/api/chat", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}");
    }

    /** The chat requests the stand-in Ollama received, in order. */
    List<JsonNode> chats() {
        return ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).map(r -> {
            try {
                return Json.parse(r.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    /** The {@code tool} messages of the last chat request. */
    List<JsonNode> toolResults() {
        var last = chats().getLast();
        return java.util.stream.StreamSupport.stream(last.path("messages").spliterator(), false)
                .filter(m -> m.path("role").asText().equals("tool")).toList();
    }

    @Override
    public void close() {
        net.close();
        ollama.close();
        searx.close();
    }
}

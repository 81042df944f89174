package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.RecordedRequest;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
/**
 * A hub with one real node agent in front of a stand-in Ollama serving two models: {@link #MODEL} answers
 * normally (or with a {@code get_weather} tool call when the request offers tools), {@link #BROKEN} fails after two
 * tokens with Ollama's runner error. Shared by the third-party client suites. {@link #slow()} builds one whose node can be stopped in the middle of an answer.
 */
public final class ClientNetwork implements AutoCloseable {
    public static final String MODEL = "llama3.2:3b";
    public static final String BROKEN = "broken:1b";
    /** Reported {@code prompt_eval_count}; {@code eval_count} is the stand-in's chunk count (5 for the default text). */
    public static final int PROMPT_TOKENS = 26;
    public static final int COMPLETION_TOKENS = Behaviour.DEFAULT_TOKENS.size();
    public static final String TEXT = String.join("", Behaviour.DEFAULT_TOKENS);
    public static final String TOOL = "get_weather";
    public static final String TOOL_ARGUMENTS = "{\"city\":\"Tokyo\"}";
    public static final Duration WAIT = Duration.ofSeconds(5);
    /** The stand-in's behaviour for {@link #MODEL}; {@link #reset()} restores it. */
    public static final Behaviour NORMAL = Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS)
            .withToolCalls(Behaviour.ToolCall.of(TOOL, TOOL_ARGUMENTS));
    /** 200 tokens 50 ms apart (10 s): far longer than the node's 2 s drain, so stopping it cuts the answer. */
    public static final Behaviour SLOW = Behaviour.defaults().withTokenCount(200).withDelayPerToken(Duration.ofMillis(50));

    public final StandInOllama ollama;
    public final Network net;
    private final Behaviour normal;

    public ClientNetwork() throws Exception { this(NORMAL); }

    private ClientNetwork(Behaviour normal) throws Exception {
        this.normal = normal;
        ollama = StandInOllama.start().model(StandInModel.of(MODEL)).model(StandInModel.of(BROKEN))
                .behaviour(normal)
                .behaviour(BROKEN, Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        Network started = null;
        try {
            started = new Network();
            started.addNode(ollama);
        } catch (Exception | Error e) {
            if (started != null) started.close();
            ollama.close();
            throw e;
        }
        net = started;
    }

    /** A network whose node streams {@link #SLOW} for {@link #MODEL}. */
    public static ClientNetwork slow() throws Exception { return new ClientNetwork(SLOW); }

    /** {@code http://127.0.0.1:PORT/v1}, the base URL OpenAI-style clients take. */
    public String v1() { return net.url() + "/v1"; }

    /**
     * Restarts the hub on the same port with SSE keep-alive comments every {@code interval} (default 15 s) and waits
     * until the node has registered again.
     */
    public void restartHubWithKeepAlive(Duration interval) throws IOException {
        int port = net.hub.port();
        var dataDir = Files.createTempDirectory("idleclaw-clients");
        net.hub.close();
        net.hub = HubFixture.on(dataDir, c -> {
            c.port = port;
            c.keepAliveInterval = interval;
        }).hub;
        await().atMost(Duration.ofSeconds(10)).until(() -> net.hub.registry().registered().size() == 1);
    }

    /** The next {@code /api/chat} the node sent to the stand-in. */
    public RecordedRequest nextChat() { return ollama.awaitRequest("/api/chat", WAIT); }

    /** Number of {@code /api/chat} requests the stand-in received since the last {@link #reset()}. */
    public long chatCount() { return ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).count(); }

    /** Forgets recorded requests and restores the normal behaviour of {@link #MODEL}. */
    public void reset() {
        ollama.behaviour(normal);
        ollama.clear();
    }

    /**
     * Stops the node agent on another thread, as Ctrl+C would: it refuses new work, drains for 2 s, then cancels
     * what is still running and closes its link. Returns at once, so it can be called from a stream callback.
     */
    public void stopNodeInBackground() { Thread.ofVirtual().start(() -> net.nodes.forEach(NodeAgent::stop)); }

    @Override
    public void close() {
        try {
            net.close();
        } finally {
            ollama.close();
        }
    }
}

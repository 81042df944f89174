package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.RecordedRequest;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import io.github.ollama4j.Ollama;
import java.time.Duration;

/**
 * A hub with one real node agent in front of a stand-in Ollama serving two models: {@link #MODEL} answers
 * normally (or with a {@code get_weather} tool call when the request offers tools), {@link #BROKEN} fails after two
 * tokens with Ollama's runner error. {@link #slow()} builds one whose node can be stopped in the middle of an answer.
 */
final class StandInNetwork implements AutoCloseable {
    static final String MODEL = "llama3.2:3b";
    static final String BROKEN = "broken:1b";
    /** Reported {@code prompt_eval_count}; {@code eval_count} is the stand-in's chunk count (5 for the default text). */
    static final int PROMPT_TOKENS = 26;
    static final int COMPLETION_TOKENS = Behaviour.DEFAULT_TOKENS.size();
    static final String TEXT = String.join("", Behaviour.DEFAULT_TOKENS);
    static final String TOOL = "get_weather";
    static final String TOOL_ARGUMENTS = "{\"city\":\"Tokyo\"}";
    static final Duration WAIT = Duration.ofSeconds(5);
    /** The stand-in's behaviour for {@link #MODEL}; {@link #reset()} restores it. */
    static final Behaviour NORMAL = Behaviour.defaults().withPromptEvalCount(PROMPT_TOKENS)
            .withToolCalls(Behaviour.ToolCall.of(TOOL, TOOL_ARGUMENTS));
    /** 200 tokens 50 ms apart (10 s): far longer than the node's 2 s drain, so stopping it cuts the answer. */
    static final Behaviour SLOW = Behaviour.defaults().withTokenCount(200).withDelayPerToken(Duration.ofMillis(50));

    final StandInOllama ollama;
    final Network net;
    private final Behaviour normal;

    StandInNetwork() throws Exception { this(NORMAL); }

    private StandInNetwork(Behaviour normal) throws Exception {
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
    static StandInNetwork slow() throws Exception { return new StandInNetwork(SLOW); }

    /** The ollama4j client for the hub: base URL without {@code /api}, 60 s timeout (the default is 10 s). */
    Ollama client() {
        var client = new Ollama(net.url());
        client.setRequestTimeoutSeconds(60);
        client.setMaxChatToolCallRetries(1); // one tool round per chat, so a wrong reply cannot loop
        return client;
    }

    /** The next {@code /api/chat} the node sent to the stand-in. */
    RecordedRequest nextChat() { return ollama.awaitRequest("/api/chat", WAIT); }

    /** Number of {@code /api/chat} requests the stand-in received since the last {@link #reset()}. */
    long chatCount() { return ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).count(); }

    /** Forgets recorded requests and restores the normal behaviour of {@link #MODEL}. */
    void reset() {
        ollama.behaviour(normal);
        ollama.clear();
    }

    /**
     * Stops the node agent on another thread, as Ctrl+C would: it refuses new work, drains for 2 s, then cancels
     * what is still running and closes its link. Returns at once, so it can be called from a stream callback.
     */
    void stopNodeInBackground() { Thread.ofVirtual().start(() -> net.nodes.forEach(NodeAgent::stop)); }

    @Override
    public void close() {
        try {
            net.close();
        } finally {
            ollama.close();
        }
    }
}

package dev.idleclaw.clients.browser;

import static org.awaitility.Awaitility.await;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A hub with two real node agents (each with its own key, so answers to a paying caller are debited) in front of
 * one stand-in Ollama serving three models: {@link #THINKER} (the
 * largest, with thinking), {@link #MODEL} and {@link #BROKEN} (fails after two tokens with Ollama's runner error).
 */
final class ChatNetwork implements AutoCloseable {
    static final String THINKER = "qwen3:8b";
    static final String MODEL = "llama3.2:3b";
    static final String BROKEN = "broken:1b";
    /** qwen3:8b's size on disk: larger than the stand-in's default, so it lists first. */
    private static final long THINKER_BYTES = 5_225_388_164L;
    /** broken:1b's: the smallest, so it lists last. */
    private static final long BROKEN_BYTES = 807_694_578L;
    static final int NODES = 2;
    /** How long a restarted hub may take to see its nodes again (their reconnect backoff is at most 1 s). */
    private static final Duration RECONNECT = Duration.ofSeconds(15);

    final StandInOllama ollama;
    final Network net;
    /** The hub's port, kept across restarts (the nodes dial it). */
    private final int port;

    ChatNetwork() throws Exception {
        ollama = StandInOllama.start()
                .model(sized(StandInModel.of(THINKER), THINKER_BYTES, "8.2B"))
                .model(StandInModel.of(MODEL)).model(sized(StandInModel.of(BROKEN), BROKEN_BYTES, "1.2B"));
        reset();
        Network started = null;
        try {
            started = new Network();
            for (int i = 0; i < NODES; i++) started.addNode(ollama, Identity.generate()); // proved keys: answers are paid for
        } catch (Exception | Error e) {
            if (started != null) started.close();
            ollama.close();
            throw e;
        }
        net = started;
        port = net.hub.port();
    }

    private static StandInModel sized(StandInModel m, long bytes, String parameters) {
        return new StandInModel(m.name(), bytes, m.digest(), m.modifiedAt(), m.family(), parameters, m.quantization(),
                m.capabilities(), m.contextLength());
    }

    /** The hub's root URL with a trailing slash, as a person would open it. */
    String url() {
        return net.url() + "/";
    }

    /** Every model answers normally again, and recorded requests are forgotten. */
    void reset() {
        ollama.behaviour(Behaviour.defaults());
        ollama.behaviour(THINKER, Behaviour.defaults());
        ollama.behaviour(MODEL, Behaviour.defaults());
        ollama.behaviour(BROKEN, Behaviour.defaults().withErrorAfter(2, Behaviour.RUNNER_ERROR));
        ollama.clear();
    }

    /** Answers with exactly these pieces, one chunk each, {@code delay} apart. */
    void answer(String model, Duration delay, String... pieces) {
        ollama.behaviour(model, Behaviour.defaults().withTokens(pieces).withDelayPerToken(delay));
    }

    /** Restarts the hub on the same port with {@code change} on top of the test defaults; the nodes reconnect. */
    void restartHub(Consumer<HubConfig.Builder> change) throws Exception {
        net.hub.close();
        net.hub = HubFixture.on(Files.createTempDirectory("idleclaw-browser"), c -> {
            c.port = port;
            change.accept(c);
        }).hub;
        await().atMost(RECONNECT).until(() -> net.hub.registry().registered().size() == NODES);
    }

    @Override
    public void close() {
        try {
            net.close();
        } finally {
            ollama.close();
        }
    }
}

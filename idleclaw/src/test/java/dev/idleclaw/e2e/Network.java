package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub plus in-process node agents, each in front of its own stand-in Ollama. Public (in the test jar) so the
 * third-party client suites drive the very same network.
 */
public final class Network implements AutoCloseable {
    final Path dataDir;
    public Hub hub;
    public final List<NodeAgent> nodes = new ArrayList<>();
    final List<Thread> nodeThreads = new ArrayList<>();
    private final java.util.function.Consumer<dev.idleclaw.server.HubConfig.Builder> change;

    public Network() throws Exception {
        this(c -> {});
    }

    /** A network whose hub has {@code change} applied to its configuration (e.g. an admin token). */
    public Network(java.util.function.Consumer<dev.idleclaw.server.HubConfig.Builder> change) throws Exception {
        this.change = change;
        dataDir = Files.createTempDirectory("idleclaw-e2e");
        startHub(0);
    }

    public void startHub(int port) {
        hub = HubFixture.on(dataDir, c -> {
            c.port = port;
            c.queueTimeout = Duration.ofSeconds(3);
            change.accept(c);
        }).hub;
    }

    /** The hub's base URL, e.g. {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + hub.port();
    }

    /** Starts a node agent for {@code ollama} and waits until the hub lists it. */
    public NodeAgent addNode(StandInOllama ollama) {
        return addNode(ollama, null);
    }

    /** Starts a node agent that proves {@code identity}'s key (null = anonymous) and waits until the hub lists it. */
    public NodeAgent addNode(StandInOllama ollama, dev.idleclaw.identity.Identity identity) {
        return addNode(ollama, identity, dev.idleclaw.wire.NodeLimits.AGENT);
    }

    /** Starts a node agent that accepts only requests within {@code limits} (as {@code contribute --max-…} lowers them). */
    public NodeAgent addNode(StandInOllama ollama, dev.idleclaw.identity.Identity identity, dev.idleclaw.wire.NodeLimits limits) {
        int before = hub.registry().registered().size();
        var timings = NodeTimings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withHealthCache(Duration.ofMillis(100)).withDrain(Duration.ofSeconds(2));
        var agent = new NodeAgent(NodeConfig.of(url(), ollama.baseUrl(), 2).withTimings(timings).withIdentity(identity)
                .withLimits(limits));
        nodes.add(agent);
        nodeThreads.add(Thread.ofVirtual().name("node-" + nodes.size()).start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.registry().registered().size() > before);
        return agent;
    }

    @Override
    public void close() {
        nodes.forEach(NodeAgent::stop);
        if (hub != null) hub.close();
    }
}

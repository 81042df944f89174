package dev.idleclaw.e2e;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Node agents (the real {@link NodeAgent}, with the protocol's default reconnect backoff) in this JVM, each with its
 * own key and its own stand-in Ollama serving the models it is given. {@link #close} stops them all.
 */
final class NodeFleet implements AutoCloseable {
    /** Slots per node (the most a node may claim): room for every stream a test sends one hub. */
    static final int SLOTS = 10;
    /** A node stopping at the end of the test cancels what still runs after this. */
    static final Duration DRAIN = Duration.ofSeconds(2);
    /** How long {@link #close} waits for an agent's thread. */
    private static final Duration JOIN = Duration.ofSeconds(10);

    /** One running agent; {@code key} is how hubs' {@code /admin/nodes} name it. */
    record Node(String key, NodeAgent agent, Thread thread, StandInOllama ollama) {}

    private final List<Node> nodes = new ArrayList<>();

    /** Starts an agent connecting to {@code server} (a hub or the balancer) serving {@code models} with their behaviours. */
    Node start(String server, Map<String, Behaviour> models) {
        StandInOllama ollama = StandInOllama.start();
        models.forEach((name, behaviour) -> ollama.model(StandInModel.of(name)).behaviour(name, behaviour));
        Identity id = Identity.generate();
        var config = NodeConfig.of(server, ollama.baseUrl(), SLOTS).withIdentity(id)
                .withTimings(NodeTimings.DEFAULTS.withDrain(DRAIN));
        var agent = new NodeAgent(config);
        Thread thread = Thread.ofVirtual().name("node-" + nodes.size()).start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        var node = new Node(id.publicKey(), agent, thread, ollama);
        nodes.add(node);
        return node;
    }

    /** Stops one node (its hub sees a clean close). */
    void stop(Node node) throws InterruptedException {
        node.agent().stop();
        node.thread().join(JOIN);
        node.ollama().close();
        nodes.remove(node);
    }

    @Override
    public void close() throws InterruptedException {
        for (Node n : List.copyOf(nodes)) stop(n);
    }
}

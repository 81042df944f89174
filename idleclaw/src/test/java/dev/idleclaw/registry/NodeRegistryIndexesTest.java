package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.peer.Peer;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/**
 * The registry's incremental indexes ({@link Directory}) against the rule they replace: every list rebuilt from the
 * registered links in order after each change. The links here never reach a socket (the indexes only read their
 * address, key, kind and registration), so node agents carry no session.
 */
class NodeRegistryIndexesTest {
    private static final List<String> IPS = List.of("10.0.0.1", "10.0.0.2", "2001:db8::1");
    private static final List<String> KEYS = List.of("key-a", "key-b", "key-c");
    private static final List<String> MODELS = List.of("llama3.2", "qwen3:8b", "mistral", "phi4");

    @Test
    void randomRegistrationsAndRemovalsLeaveTheSameListsAndCountsAsRebuildingFromScratch() {
        var random = new Random(13);
        var directory = new Directory();
        List<NodeLink> reference = new ArrayList<>();
        for (int step = 0; step < 3_000; step++) {
            if (reference.isEmpty() || random.nextInt(5) < 3) {
                NodeLink l = link(random, step);
                directory.add(l);
                reference.add(l);
            } else if (random.nextInt(10) == 0) {
                assertThat(directory.remove(link(random, -step))).as("a link never added").isFalse();
            } else {
                NodeLink gone = reference.remove(random.nextInt(reference.size()));
                assertThat(directory.remove(gone)).isTrue();
                assertThat(directory.remove(gone)).as("removed twice").isFalse();
            }
            if (random.nextInt(3) == 0) assertSameAsRebuilt(directory, reference); // sometimes several changes between reads
        }
        assertSameAsRebuilt(directory, reference);
    }

    @Test
    void changesBuildNoListUntilOneIsReadAndLeaveOtherModelsListsAsTheyWere() {
        var directory = new Directory();
        directory.add(agent("10.0.0.1", null, "n0", "mistral"));
        List<NodeLink> mistral = directory.serving("mistral");
        for (int i = 1; i <= 1_000; i++) directory.add(agent("10.0.0." + (i % 200), null, "n" + i, "llama3.2"));

        assertThat(directory.registeredSnapshot()).as("nothing read since the storm").isNull();
        assertThat(directory.servingSnapshot("llama3.2")).isNull();
        assertThat(directory.servingSnapshot("mistral")).isSameAs(mistral);
        assertThat(directory.serving("llama3.2")).hasSize(1_000);
        assertThat(directory.servingSnapshot("llama3.2")).isSameAs(directory.serving("llama3.2"));
        assertThat(directory.registered()).hasSize(1_001).isSameAs(directory.registeredSnapshot());
    }

    @Test
    void aModelNobodyServesIsAnsweredEmptyWithoutBeingRemembered() {
        var directory = new Directory();
        directory.add(agent("10.0.0.1", null, "n0", "mistral"));

        assertThat(directory.serving("no-such-model")).isEmpty();
        assertThat(directory.servingSnapshot("no-such-model")).isNull();
    }

    private static void assertSameAsRebuilt(Directory directory, List<NodeLink> reference) {
        assertThat(directory.registered()).containsExactlyElementsOf(reference);
        assertThat(directory.count()).isEqualTo(reference.size());
        Map<String, List<NodeLink>> byModel = new HashMap<>();
        for (NodeLink l : reference) for (ModelInfo m : l.models()) byModel.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(l);
        for (String model : MODELS) {
            assertThat(directory.serving(model)).as(model).containsExactlyElementsOf(byModel.getOrDefault(model, List.of()));
        }
        for (String ip : IPS) {
            long agents = reference.stream().filter(l -> l.backend().isNodeAgent() && l.ip().equals(ip)).count();
            assertThat(directory.agentsFrom(ip)).as("node agents from " + ip).isEqualTo(agents);
        }
        for (String key : KEYS) {
            long ofKey = reference.stream().filter(l -> key.equals(l.pubkey())).count();
            assertThat(directory.ofKey(key)).as("links of " + key).isEqualTo(ofKey);
        }
    }

    /** A random node agent or peer: random address, key or none, and one to three models (names may repeat). */
    private static NodeLink link(Random random, int serial) {
        String key = random.nextInt(3) == 0 ? null : KEYS.get(random.nextInt(KEYS.size()));
        String[] models = new String[1 + random.nextInt(3)];
        for (int i = 0; i < models.length; i++) models[i] = MODELS.get(random.nextInt(MODELS.size()));
        if (key != null && random.nextInt(6) == 0) {
            var peer = new NodeLink(new PeerTransport(new Peer(key, "http://peer.example", null, null), null, null, null), "peer.example");
            peer.registered(register("peer-" + serial, models));
            return peer;
        }
        return agent(IPS.get(random.nextInt(IPS.size())), key, "node-" + serial, models);
    }

    private static NodeLink agent(String ip, String key, String nodeId, String... models) {
        var l = new NodeLink((Session) null, ip);
        l.authenticated(key);
        l.registered(register(nodeId, models));
        return l;
    }

    private static NodeMessage.Register register(String nodeId, String... models) {
        return new NodeMessage.Register(nodeId, java.util.Arrays.stream(models).map(m -> ModelInfo.of(m, 1)).toList(), 1, "0.6.0");
    }
}

package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.wire.ModelInfo;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeEntriesTest {
    private static final String HUB = "hub-key-b";

    private static RemoteNode node(String id, ModelInfo... models) {
        return new RemoteNode(HUB, id, "label " + id, List.of(models), 1, 2, 0.75, "established");
    }

    @Test
    void aHubsNodesSurviveTheRoundTripWithEveryModelField() {
        var details = Json.object().put("family", "llama").put("parameter_size", "8B");
        var full = new ModelInfo("llama3:8b", 4_700_000_000L, "a".repeat(64), "2026-01-02T03:04:05Z", details,
                List.of("completion", "tools"), 131_072);
        var bare = ModelInfo.of("tiny:1b", 1);
        var nodes = List.of(node("n1", full, bare), node("n2"));

        assertThat(NodeEntries.decode(NodeEntries.encode(HUB, nodes))).isEqualTo(nodes);
    }

    @Test
    void aNodesFeaturesSurviveTheRoundTripAndAnEntryWithoutThemReadsAsNone() {
        var embedder = new RemoteNode(HUB, "e1", "embedder", List.of(ModelInfo.of("nomic-embed-text:latest", 1)), 1, 2, 0.5,
                "established", List.of("embed"));
        assertThat(NodeEntries.decode(NodeEntries.encode(HUB, List.of(embedder)))).containsExactly(embedder);

        // As a member that predates the field writes it.
        String older = "{\"v\":1,\"hub\":\"" + HUB + "\",\"nodes\":[{\"node_id\":\"o1\",\"models\":[{\"name\":\"m:1\"}]}]}";
        assertThat(NodeEntries.decode(older)).singleElement().satisfies(n -> assertThat(n.features()).isEmpty());
    }

    @Test
    void theValueNamesItsHubAndEveryNodeIsMarkedWithIt() {
        String text = NodeEntries.encode("other-hub", List.of(node("n1", ModelInfo.of("m:1", 1))));

        assertThat(NodeEntries.decode(text)).extracting(RemoteNode::hub).containsExactly("other-hub");
    }

    @Test
    void aHubPublishesAtMostTheBoundOfNodesAndModels() {
        var many = Collections.nCopies(NodeEntries.MAX_MODELS + 5, ModelInfo.of("m:1", 1)).toArray(ModelInfo[]::new);
        var nodes = IntStream.range(0, NodeEntries.MAX_NODES + 3).mapToObj(i -> node("n" + i, ModelInfo.of("m:1", 1))).toList();

        assertThat(NodeEntries.decode(NodeEntries.encode(HUB, nodes))).hasSize(NodeEntries.MAX_NODES);
        assertThat(NodeEntries.decode(NodeEntries.encode(HUB, List.of(node("n", many)))).getFirst().models())
                .hasSize(NodeEntries.MAX_MODELS);
    }

    @Test
    void aValueTooLongForReadersKeepsTheNodesThatFitRatherThanBeingDiscarded() {
        var details = Json.object().put("family", "x".repeat(2_000));
        var big = IntStream.range(0, NodeEntries.MAX_MODELS)
                .mapToObj(i -> new ModelInfo("m:" + i, 1, null, null, details, null)).toArray(ModelInfo[]::new);
        var nodes = IntStream.range(0, 200).mapToObj(i -> node("n" + i, big)).toList();

        String text = NodeEntries.encode(HUB, nodes);
        var back = NodeEntries.decode(text);

        assertThat(text.length()).isLessThanOrEqualTo(NodeEntries.MAX_CHARS);
        assertThat(back).isNotEmpty().hasSizeLessThan(nodes.size());
        assertThat(back).isEqualTo(nodes.subList(0, back.size()));
    }

    @Test
    void valuesItCannotReadGiveNoNodes() {
        assertThat(NodeEntries.decode(null)).isEmpty();
        assertThat(NodeEntries.decode("not json")).isEmpty();
        assertThat(NodeEntries.decode("{\"v\":2,\"hub\":\"h\",\"nodes\":[]}")).as("another format").isEmpty();
        assertThat(NodeEntries.decode("{\"v\":1,\"nodes\":[]}")).as("no hub").isEmpty();
        assertThat(NodeEntries.decode("x".repeat(NodeEntries.MAX_CHARS + 1))).isEmpty();
    }

    @Test
    void nodesWithoutAnIdOrModelListAreSkippedAndTheRestKept() {
        String text = """
                {"v":1,"hub":"h","nodes":[{"label":"no id","models":[]},{"node_id":"x"},
                 {"node_id":"ok","models":[{"name":"m:1","size":3},{"size":4},{"name":""}]}]}""";

        var back = NodeEntries.decode(text);

        assertThat(back).extracting(RemoteNode::nodeId).containsExactly("ok");
        assertThat(back.getFirst().models()).extracting(ModelInfo::name).containsExactly("m:1");
    }

    @Test
    void aMemberSurvivesTheRoundTripAndAForeignValueIsNoMember() {
        var m = new Member("key", "http://10.0.0.5:8000", 1_700_000_000_000L, "0.1.0");

        assertThat(Member.decode(m.encode())).contains(m);
        assertThat(Member.decode("{\"v\":1,\"hub\":\"k\"}")).isEmpty();
        assertThat(Member.decode("[]")).isEmpty();
    }
}

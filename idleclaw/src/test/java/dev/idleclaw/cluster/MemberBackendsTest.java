package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.registry.RemoteNode;
import dev.idleclaw.wire.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberBackendsTest {
    private static final Member B = new Member("hub-b", "http://10.0.0.2:8000", 1, "test");

    private static RemoteNode node(String id, String model, List<String> features) {
        return new RemoteNode(B.hub(), id, id, List.of(ModelInfo.of(model, 1)), 2, 2, 0.5, "established", features);
    }

    @Test
    void aMemberServesEmbeddingsOfExactlyTheModelsItsEmbeddingNodesHold() {
        var offers = MemberBackends.offers(List.of(B), List.of(node("chat", "llama3.2:3b", List.of()),
                node("embedder", "nomic-embed-text:latest", List.of("embed")), node("original", "all-minilm:latest", List.of())));

        assertThat(offers).singleElement().satisfies(o -> {
            assertThat(o.models()).extracting(ModelInfo::name).containsExactly("llama3.2:3b", "nomic-embed-text:latest", "all-minilm:latest");
            assertThat(o.embedModels()).containsExactly("nomic-embed-text:latest");
            assertThat(o.freeSlots()).isEqualTo(6);
        });
    }

    @Test
    void aMemberWithoutEmbeddingNodesServesNoEmbeddings() {
        var offers = MemberBackends.offers(List.of(B), List.of(node("original", "nomic-embed-text:latest", List.of())));

        assertThat(offers).singleElement().satisfies(o -> assertThat(o.embedModels()).isEmpty());
    }
}

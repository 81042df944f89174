package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.ClientNetwork;
import static dev.idleclaw.e2e.ClientNetwork.BROKEN;
import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.testkit.StandInModel;
import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.response.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ollama4j's model endpoints against the hub's Ollama face: ping, tags, version, ps, show. */
class Ollama4jModelEndpointsTest {
    private static ClientNetwork network;
    private static Ollama client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = Ollama4jClients.of(network);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Test
    void pingSucceedsAgainstTheHub() throws Exception {
        assertThat(client.ping()).isTrue();
    }

    @Test
    void listModelsHasEveryNodeModelWithTagSizeDigestAndOffsetTimestamp() throws Exception {
        var models = client.listModels();

        assertThat(models).extracting(Model::getName).containsExactlyInAnyOrder(MODEL, BROKEN);
        var llama = models.stream().filter(m -> m.getName().equals(MODEL)).findFirst().orElseThrow();
        assertThat(llama.getModel()).isEqualTo(MODEL);
        assertThat(llama.getModelName()).isEqualTo("llama3.2");
        assertThat(llama.getModelVersion()).isEqualTo("3b");
        assertThat(llama.getSize()).isEqualTo(StandInModel.DEFAULT_SIZE);
        assertThat(llama.getDigest()).matches("[0-9a-f]{64}");
        assertThat(llama.getModifiedAt()).isNotNull();
        assertThat(llama.getModelMeta()).isNotNull();
    }

    @Test
    void versionIsASemverLikeString() throws Exception {
        assertThat(client.getVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void psParsesAndListsOnlyModelsTheNodesHave() throws Exception {
        var running = client.ps();

        assertThat(running.getModels()).isNotNull()
                .allSatisfy(m -> assertThat(m.getName()).isIn(MODEL, BROKEN));
    }

    @Test
    void showDescribesAKnownModelWithItsCapabilities() throws Exception {
        var detail = client.getModelDetails(MODEL);

        assertThat(detail.getDetails()).isNotNull();
        assertThat(detail.getCapabilities()).contains("completion", "tools");
    }

    @Test
    void showOfAnUnknownModelIs404WithOllamasMessage() {
        assertThatThrownBy(() -> client.getModelDetails("nope:1b"))
                .isInstanceOf(OllamaException.class)
                .hasMessageStartingWith("404 - ")
                .hasMessageContaining("model 'nope:1b' not found");
    }
}

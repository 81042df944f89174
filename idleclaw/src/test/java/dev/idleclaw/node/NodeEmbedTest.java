package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.Embeddings;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.WireCodec;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's side of embeddings: it advertises them, calls Ollama's /api/embed, and relays one result or one error. */
class NodeEmbedTest {
    private static final String EMBED = "nomic-embed-text:latest";

    private final StandInOllama ollama = StandInOllama.start().model(StandInModel.of(EMBED)).model(StandInModel.of("llama3.2"));
    private final FakeHub hub = new FakeHub();
    private NodeAgent agent;

    @BeforeEach
    void startNode() {
        agent = new NodeAgent(new NodeConfig(URI.create(hub.httpUrl()), URI.create(ollama.baseUrl()), 2, NodeTestSupport.FAST));
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (NodeStartupException e) {
                throw new IllegalStateException(e);
            }
        });
        hub.await("register", NodeTestSupport.SOON);
    }

    @AfterEach
    void stopAll() {
        agent.stop();
        hub.close();
        ollama.close();
    }

    private ObjectNode embed(String id, String model, List<String> input, Integer dimensions) {
        hub.send(WireCodec.encode(new HubMessage.EmbedRequest(id, model, input, dimensions, null, null, null)));
        return hub.await(f -> id.equals(Json.text(f.json(), "request_id")), NodeTestSupport.SOON).json();
    }

    @Test
    void registrationAdvertisesEmbeddings() {
        assertThat(hub.frames("register").getFirst().json().path("features").toString()).isEqualTo("[\"embed\"]");
    }

    @Test
    void anEmbedRequestIsAnsweredWithOllamasVectorsInOneResult() throws Exception {
        var result = embed("e1", EMBED, List.of("one", "two"), 4);
        assertThat(result.path("type").asText()).isEqualTo("embed_result");
        assertThat(result.path("embeddings")).hasSize(2);
        float[] expected = Embeddings.vector("two", 4);
        for (int i = 0; i < 4; i++) assertThat(result.path("embeddings").get(1).get(i).floatValue()).isEqualTo(expected[i]);
        assertThat(result.path("prompt_eval_count").asLong()).isEqualTo(2);
        assertThat(result.has("receipt")).as("an anonymous node signs nothing").isFalse();
        var sent = Json.parse(ollama.awaitRequest("/api/embed", Duration.ofSeconds(5)).body());
        assertThat(sent.toString()).isEqualTo("{\"model\":\"nomic-embed-text:latest\",\"input\":[\"one\",\"two\"],\"dimensions\":4}");
    }

    @Test
    void aNodeWithAKeySignsAReceiptForTheInputTokensAlone() throws Exception {
        agent.stop();
        Identity key = Identity.generate();
        String consumer = Identity.generate().publicKey();
        agent = new NodeAgent(new NodeConfig(URI.create(hub.httpUrl()), URI.create(ollama.baseUrl()), 2, NodeTestSupport.FAST)
                .withIdentity(key));
        var signer = agent;
        Thread.ofVirtual().start(() -> {
            try {
                signer.run();
            } catch (NodeStartupException e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().atMost(NodeTestSupport.SOON).until(() -> hub.frames("register").size() == 2);

        long before = System.currentTimeMillis();
        hub.send(WireCodec.encode(new HubMessage.EmbedRequest("e5", EMBED, List.of("alpha", "beta gamma"), null, null, null, null, consumer)));
        var result = hub.await(f -> "e5".equals(Json.text(f.json(), "request_id")), NodeTestSupport.SOON).json();
        SignedReceipt signed = SignedReceipt.fromJson(result.get("receipt"));
        Receipt r = signed.receipt();
        assertThat(signed.signatureValid()).isTrue();
        assertThat(r.workerPubkey()).isEqualTo(key.publicKey());
        assertThat(r.requesterPubkey()).isEqualTo(consumer);
        assertThat(r.jobId()).isEqualTo("e5");
        assertThat(r.model()).isEqualTo(EMBED);
        assertThat(r.inputTokens()).isEqualTo(result.path("prompt_eval_count").asLong()).isEqualTo(5);
        assertThat(r.outputTokens()).isZero();
        assertThat(r.startedAt()).isBetween(before - 5_000, r.completedAt());

        hub.send(WireCodec.encode(new HubMessage.EmbedRequest("e6", EMBED, List.of("x"), null, null, null, null)));
        var anonymous = hub.await(f -> "e6".equals(Json.text(f.json(), "request_id")), NodeTestSupport.SOON).json();
        assertThat(SignedReceipt.fromJson(anonymous.get("receipt")).receipt().requesterPubkey()).isEqualTo(Receipt.ANONYMOUS);
    }

    @Test
    void ollamasRefusalIsTheRequestsFault() {
        var result = embed("e2", "llama3.2:latest", List.of("x"), null);
        assertThat(result.path("type").asText()).isEqualTo("inference_error");
        assertThat(result.path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void aModelTheNodeDidNotRegisterIsRefusedWithoutAskingOllama() {
        var result = embed("e3", "other:latest", List.of("x"), null);
        assertThat(result.path("error").asText()).isEqualTo("invalid_request");
        assertThat(ollama.requests().stream().noneMatch(r -> r.path().equals("/api/embed"))).isTrue();
    }

    /**
     * Ollama stops while the node runs. The stopped stand-in's port is then held, bound but not listening: binding
     * proves nothing listens there any more (a stand-in whose listening socket outlived close() once accepted the
     * node's health probe and never answered it), and while held no other server can take the freed port, so the
     * node's connection is refused at once.
     */
    @Test
    void anOllamaThatIsGoneIsReportedUnavailable() throws Exception {
        int port = ollama.port();
        ollama.close();
        try (var held = new Socket()) {
            held.setReuseAddress(true); // the stand-in's closed connections may linger in TIME_WAIT on this port
            held.bind(new InetSocketAddress("127.0.0.1", port));
            var result = embed("e4", EMBED, List.of("x"), null);
            assertThat(result.path("error").asText()).isEqualTo("ollama_unavailable");
        }
    }
}

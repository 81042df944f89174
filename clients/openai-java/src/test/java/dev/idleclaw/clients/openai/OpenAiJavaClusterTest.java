package dev.idleclaw.clients.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.idleclaw.e2e.ClusterHubs;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.testkit.Embeddings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK, unchanged, against a cluster of two hubs sharing Redis and PostgreSQL: it talks only to
 * hub A, whose own fleet is empty, and every answer comes from the one node, attached to hub B.
 */
class OpenAiJavaClusterTest {
    private static final String MODEL = "llama3.2:3b";
    private static final String EMBED = "nomic-embed-text:latest";
    private static ClusterHubs cluster;
    private static Network a;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ClusterHubs(MODEL, EMBED);
        a = cluster.hub();
        Network b = cluster.hub();
        b.addNode(cluster.ollama(), Identity.generate());
        cluster.awaitMember(a, b);
        await().atMost(ClusterHubs.WAIT).until(() -> a.hub.forwarding().links().links().stream()
                .anyMatch(l -> l.backend() instanceof MemberTransport m && m.embeds(EMBED)));
        client = OpenAIOkHttpClient.builder().baseUrl(a.url() + "/v1").apiKey("test-key").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aStreamedChatOnOneHubIsAnsweredByTheNodeOnAnotherAndTheListShowsItsModel() {
        assertThat(a.hub.registry().registered()).as("hub A has no node of its own").isEmpty();
        assertThat(client.models().list().data()).anyMatch(m -> m.id().equals(MODEL));

        long before = ClusterHubs.forwarded(a, "answered");
        List<ChatCompletionChunk> chunks = Streams.collect(client,
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello").build());
        assertThat(Streams.text(chunks)).isEqualTo("Hello from the stand-in.");
        assertThat(Streams.finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(ClusterHubs.forwarded(a, "answered")).isEqualTo(before + 1);
    }

    @Test
    void embeddingsOnOneHubAreServedByTheEmbeddingNodeOnAnother() {
        long before = ClusterHubs.forwarded(a, "answered");
        var response = client.embeddings().create(EmbeddingCreateParams.builder().model("nomic-embed-text")
                .inputOfArrayOfStrings(List.of("one", "two")).dimensions(32)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertThat(response.data()).hasSize(2);
        float[] expected = Embeddings.vector("two", 32);
        List<Float> actual = response.data().get(1).embedding();
        assertThat(actual).hasSize(32);
        for (int i = 0; i < 32; i++) assertThat(actual.get(i)).isEqualTo(expected[i]);
        assertThat(ClusterHubs.forwarded(a, "answered")).isEqualTo(before + 1);
    }
}

package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis outage on the forwarding hub (a {@link CuttableTcp} in front of the machine's Redis): the member drops out
 * of its directory, and out of the member's own list of members, while an answer is being streamed from it; that
 * answer runs to its end, new requests are no longer sent to the member, and forwarding resumes once Redis is back.
 */
class ClusterOutageForwardTest {
    private static final String MODEL = "llama3.2:3b";
    /** Streams for about 12 s: longer than the outage takes to drop the member on both sides (a few TTLs). */
    private static final int TOKENS = 24;
    private static final Duration DELAY = Duration.ofMillis(500);
    /** The slow answer's own bound: its stream, plus slack for a busy machine. */
    private static final Duration SLOW_WAIT = Duration.ofSeconds(60);

    private ClusterHubs cluster;
    private CuttableTcp relay;

    @BeforeEach
    void findStores() throws Exception {
        cluster = new ClusterHubs(MODEL);
        relay = new CuttableTcp(LocalRedis.PORT);
    }

    @AfterEach
    void closeAll() throws Exception {
        cluster.close();
        relay.close();
    }

    @Test
    void anAnswerStreamedFromAMemberWhenRedisIsCutRunsToItsEndAndNewRequestsWaitForRedis() throws Exception {
        Network a = cluster.hub("redis://127.0.0.1:" + relay.port()), b = cluster.hub();
        StandInOllama ollama = cluster.ollama();
        ollama.behaviour(Behaviour.defaults().withTokenCount(TOKENS).withDelayPerToken(DELAY));
        Identity worker = Identity.generate(), consumer = Identity.generate();
        b.addNode(ollama, worker);
        cluster.awaitMember(a, b);

        CompletableFuture<HttpResponse<String>> slow = chat(a, consumer);
        await().atMost(ClusterHubs.WAIT).until(() -> ClusterHubs.chats(ollama) == 1);
        relay.cut();
        await().atMost(ClusterHubs.WAIT).until(() -> a.hub.forwarding().links().links().isEmpty());
        var during = cluster.post(a, "/api/chat", ask(false), consumer);
        // A has no node of its own: with the member gone, no backend serves the model (Ollama's answer for that is a 404).
        assertThat(during.statusCode()).as(during.body()).isEqualTo(404);
        assertThat(during.body()).contains("not found");
        assertThat(ClusterHubs.chats(ollama)).as("nothing new was sent to the member").isEqualTo(1);
        // A no longer refreshes its entry: B drops it from its members while still serving A's forward.
        await().atMost(ClusterHubs.WAIT).until(() -> b.hub.cluster().members().stream().noneMatch(m -> m.hub().equals(a.hub.publicKey())));
        assertThat(slow).as("the answer outlived both drops").isNotDone();

        var answer = slow.get(SLOW_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(ollamaText(answer.body())).isEqualTo(IntStream.range(0, TOKENS).mapToObj(i -> "tok" + i + " ").collect(Collectors.joining()));
        assertThat(answer.body()).contains("\"done\":true").contains("\"receipt\"");
        await().atMost(ClusterHubs.WAIT).until(() -> LedgerAudit.of(cluster.ledgerUrl()).rows() >= 1);
        var audit = LedgerAudit.of(cluster.ledgerUrl());
        assertThat(audit.rows()).as("recorded once").isEqualTo(1);
        assertThat(audit.receipts().values()).singleElement()
                .satisfies(r -> assertThat(r.receipt().requesterPubkey()).isEqualTo(consumer.publicKey()));
        await().atMost(ClusterHubs.WAIT).until(() -> a.hub.forwarding().links().retiring().isEmpty());

        relay.restore();
        cluster.awaitMember(a, b);
        ollama.behaviour(Behaviour.defaults());
        var after = cluster.post(a, "/api/chat", ask(false), consumer);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        assertThat(ClusterHubs.chats(ollama)).as("forwarding resumed").isEqualTo(2);
        assertThat(a.hub.forwarding().links().links()).as("one link to the member").hasSize(1);
    }

    private static String ask(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}";
    }

    /** A streamed chat on {@code n}, signed by {@code consumer}, answered whenever its stream ends. */
    private CompletableFuture<HttpResponse<String>> chat(Network n, Identity consumer) {
        URI uri = URI.create(n.url() + "/api/chat");
        byte[] bytes = ask(true).getBytes(StandardCharsets.UTF_8);
        var req = HttpRequest.newBuilder(uri).timeout(SLOW_WAIT).header("Content-Type", "application/json");
        RequestSignature.sign(consumer, "POST", "/api/chat", RequestSignature.hostHeader(uri), bytes, System.currentTimeMillis()).forEach(req::header);
        return cluster.http.sendAsync(req.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ollamaText(String body) throws Exception {
        var text = new StringBuilder();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) text.append(Json.parse(line).path("message").path("content").asText(""));
        }
        return text.toString();
    }
}

package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.cluster.ClusterDirectory;
import dev.idleclaw.json.Json;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two in-process hubs sharing the machine's Redis (a fresh key prefix per test), each with real node agents in front
 * of stand-in Ollamas: each hub lists the other's models, a dead hub's vanish within the TTL, and a hub that loses
 * Redis goes on serving and listing its own nodes.
 */
class ClusterNetworkTest {
    /** Short, so a dead hub's entries expire within a test; the hubs refresh every third of it. */
    private static final Duration TTL = Duration.ofMillis(1500);
    /** Long enough for a few refreshes on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LOCAL = "local-only:1b", REMOTE = "remote-only:7b";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private LocalRedis redis;

    @BeforeEach
    void findRedis() {
        redis = LocalRedis.fresh();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        redis.close();
    }

    @Test
    void aHubListsTheModelsOfTheOtherHubsNodesAndCountsThem() throws Exception {
        Network a = hub(clustered(redis.url(), "a"));
        Network b = hub(clustered(redis.url(), "b"));
        a.addNode(ollama(LOCAL));
        b.addNode(ollama(REMOTE));

        await().atMost(WAIT).until(() -> tags(a).equals(Set.of(LOCAL, REMOTE)));
        assertThat(openAiModels(a)).isEqualTo(Set.of(LOCAL, REMOTE));
        assertThat(texts(get(a, "/api/models").path("models"))).containsExactlyInAnyOrder(LOCAL, REMOTE);
        assertThat(get(a, "/health").path("node_count").asInt()).isEqualTo(2);
        await().atMost(WAIT).until(() -> tags(b).equals(Set.of(LOCAL, REMOTE)));
        assertThat(a.hub.cluster().members()).extracting(m -> m.hub()).containsExactly(b.hub.publicKey());
    }

    @Test
    void aCrashedHubsNodesVanishWithinTheTtl() throws Exception {
        Network a = hub(clustered(redis.url(), "a"));
        Network b = hub(clustered(redis.url(), "b"));
        b.addNode(ollama(REMOTE));
        await().atMost(WAIT).until(() -> tags(a).contains(REMOTE));

        b.hub.abort(); // no withdrawal: only the TTL removes its entries
        // The TTL, plus A's next read, plus slack for a busy machine.
        await().atMost(TTL.multipliedBy(4)).until(() -> tags(a).isEmpty());
        assertThat(get(a, "/health").path("node_count").asInt()).isZero();
    }

    @Test
    void aHubThatClosesWithdrawsItsEntriesAtOnce() throws Exception {
        Network a = hub(clustered(redis.url(), "a"));
        Network b = hub(clustered(redis.url(), "b"));
        b.addNode(ollama(REMOTE));
        await().atMost(WAIT).until(() -> tags(a).contains(REMOTE));
        String key = b.hub.publicKey();
        assertThat(redis.exists(redis.prefix + "nodes:" + key)).isTrue();

        b.close();
        assertThat(redis.exists(redis.prefix + "nodes:" + key)).as("withdrawn, not left to expire").isFalse();
        assertThat(redis.exists(redis.prefix + "member:" + key)).isFalse();
        await().atMost(WAIT).until(() -> tags(a).isEmpty());
    }

    @Test
    void withRedisUnreachableAHubServesAndListsItsOwnNodesAndRepublishesWhenItIsBackAndSaysSoOnceEachWay() throws Exception {
        var relay = new CuttableTcp(LocalRedis.PORT);
        open.add(relay);
        // The whole cluster package: the directory and the admission state share one store, so one line each way in all.
        var logger = (Logger) LoggerFactory.getLogger(ClusterDirectory.class.getPackageName());
        Level before = logger.getLevel();
        var seen = new ListAppender<ILoggingEvent>();
        seen.start();
        logger.addAppender(seen);
        logger.setLevel(Level.INFO);
        try {
            Network a = hub(clustered("redis://127.0.0.1:" + relay.port(), "a"));
            Network b = hub(clustered(redis.url(), "b"));
            a.addNode(ollama(LOCAL));
            b.addNode(ollama(REMOTE));
            await().atMost(WAIT).until(() -> tags(a).equals(Set.of(LOCAL, REMOTE)) && tags(b).equals(Set.of(LOCAL, REMOTE)));

            relay.cut();
            await().atMost(WAIT).until(() -> tags(a).equals(Set.of(LOCAL)));
            assertThat(a.hub.sharedAdmission().reachable()).as("admission fell back to A's own limits too").isFalse();
            assertThat(chat(a, LOCAL).statusCode()).as("A's own node still answers").isEqualTo(200);
            assertThat(get(a, "/health").path("node_count").asInt()).isEqualTo(1);
            // A cannot refresh, so B stops listing A's node within the TTL; meanwhile A warned once.
            await().atMost(WAIT).until(() -> tags(b).equals(Set.of(REMOTE)));
            assertThat(lines(seen, Level.WARN)).hasSize(1).first().asString().contains("unreachable")
                    .contains("own nodes only").contains("bans");

            relay.restore();
            await().atMost(WAIT).until(() -> tags(a).equals(Set.of(LOCAL, REMOTE)));
            await().atMost(WAIT).until(() -> tags(b).equals(Set.of(LOCAL, REMOTE)));
            await().atMost(WAIT).until(() -> a.hub.sharedAdmission().reachable());
            assertThat(lines(seen, Level.WARN)).hasSize(1);
            assertThat(lines(seen, Level.INFO)).filteredOn(l -> l.contains("reachable again")).hasSize(1);
        } finally {
            logger.detachAppender(seen);
            logger.setLevel(before);
        }
    }

    /** Joins the test's cluster with the short TTL; {@code name} tells the hubs' addresses apart. */
    private Consumer<HubConfig.Builder> clustered(String redisUrl, String name) {
        return c -> {
            c.cluster = redisUrl;
            c.clusterUrl = "http://127.0.0.1/" + name;
            c.clusterTtl = TTL;
            c.clusterPrefix = redis.prefix;
        };
    }

    private Network hub(Consumer<HubConfig.Builder> change) throws Exception {
        var n = new Network(change);
        open.add(n);
        return n;
    }

    private StandInOllama ollama(String model) {
        var o = StandInOllama.start().model(StandInModel.of(model));
        open.add(o::close);
        return o;
    }

    private static List<String> lines(ListAppender<ILoggingEvent> seen, Level level) {
        synchronized (seen.list) {
            return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private Set<String> tags(Network n) throws Exception {
        return new HashSet<>(get(n, "/api/tags").path("models").findValuesAsText("name"));
    }

    private Set<String> openAiModels(Network n) throws Exception {
        return new HashSet<>(get(n, "/v1/models").path("data").findValuesAsText("id"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private JsonNode get(Network n, String path) throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create(n.url() + path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        return Json.parse(res.body());
    }

    private HttpResponse<String> chat(Network n, String model) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(n.url() + "/api/chat")).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

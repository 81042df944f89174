package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster as one network in its read-only views: a hub describes a model only another hub's node serves
 * ({@code /api/show}, {@code /v1/models/{id}}), its dashboard feed counts and lists every hub's nodes, and its
 * {@code /metrics} labels every series with the hub it comes from.
 */
class ClusterViewsTest {
    private static final Duration TTL = Duration.ofMillis(1500);
    /** A few refreshes and stats ticks (every 2 s) on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String LOCAL = "views-local:1b", REMOTE = "views-remote:7b";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private LocalRedis redis;
    private Network a, b;

    @BeforeEach
    void start() throws Exception {
        redis = LocalRedis.fresh();
        a = hub("a");
        b = hub("b");
        a.addNode(ollama(LOCAL));
        b.addNode(ollama(REMOTE));
        await().atMost(WAIT).until(() -> get(a, "/api/tags").body().contains(REMOTE));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        redis.close();
    }

    @Test
    void aModelOnlyAnotherHubServesIsDescribedAsItsOwnHubDescribesIt() throws Exception {
        JsonNode here = Json.parse(post(a, "/api/show", "{\"model\":\"" + REMOTE + "\"}").body());
        JsonNode there = Json.parse(post(b, "/api/show", "{\"model\":\"" + REMOTE + "\"}").body());
        assertThat(here.path("details")).isEqualTo(there.path("details"));
        assertThat(here.path("capabilities")).isEqualTo(there.path("capabilities"));
        assertThat(here.path("modelfile").asText()).contains("FROM " + REMOTE);

        var model = get(a, "/v1/models/" + REMOTE);
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(Json.parse(model.body()).path("id").asText()).isEqualTo(REMOTE);

        assertThat(post(a, "/api/show", "{\"model\":\"nobody-serves:1b\"}").statusCode()).isEqualTo(404);
        assertThat(get(a, "/v1/models/nobody-serves:1b").statusCode()).isEqualTo(404);
    }

    @Test
    void theDashboardFeedCountsAndListsEveryHubsNodes() throws Exception {
        await().atMost(WAIT).until(() -> Json.parse(get(a, "/api/stats").body()).path("cluster").path("nodes").asInt() == 2);
        JsonNode cluster = Json.parse(get(a, "/api/stats").body()).path("cluster");
        assertThat(cluster.path("hubs").findValuesAsText("name")).containsExactly("this hub", "hub 2");
        assertThat(cluster.path("hubs").get(0).path("node_list").get(0).path("models").get(0).asText()).isEqualTo(LOCAL);
        assertThat(cluster.path("hubs").get(1).path("nodes").asInt()).isEqualTo(1);
        assertThat(cluster.path("hubs").get(1).path("node_list").get(0).path("models").get(0).asText()).isEqualTo(REMOTE);
        assertThat(cluster.path("models").findValuesAsText("name")).containsExactlyInAnyOrder(LOCAL, REMOTE);
        // Nothing that names a hub or a node: no keys, addresses or ids.
        assertThat(cluster.toString()).doesNotContain(a.hub.publicKey(), b.hub.publicKey(), "127.0.0.1");
    }

    @Test
    void everyMetricsSeriesSaysWhichHubItComesFrom() throws Exception {
        assertThat(post(a, "/api/chat", "{\"model\":\"" + LOCAL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        var res = http.send(HttpRequest.newBuilder(URI.create(a.url() + "/metrics")).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> series = res.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(series).isNotEmpty().allSatisfy(l -> assertThat(l).contains("hub=\"" + a.hub.publicKey() + "\""));
        assertThat(series).anySatisfy(l -> assertThat(l).startsWith("idleclaw_requests_total{"));
    }

    private Network hub(String name) throws Exception {
        Consumer<HubConfig.Builder> clustered = c -> {
            c.cluster = redis.url();
            c.clusterUrl = "http://127.0.0.1/" + name;
            c.clusterTtl = TTL;
            c.clusterPrefix = redis.prefix;
        };
        var n = new Network(clustered);
        open.add(n);
        return n;
    }

    private StandInOllama ollama(String model) {
        var o = StandInOllama.start().model(StandInModel.of(model));
        open.add(o::close);
        return o;
    }

    private HttpResponse<String> get(Network n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(n.url() + path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Network n, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(n.url() + path)).timeout(WAIT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

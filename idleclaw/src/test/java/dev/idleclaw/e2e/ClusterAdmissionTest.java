package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.idleclaw.json.Json;
import dev.idleclaw.server.HubConfig;
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
import org.slf4j.LoggerFactory;

/**
 * Two in-process hubs sharing the machine's Redis (a fresh key prefix per test) over HTTP: the chat budget and the
 * operator's bans hold across both, and a hub that loses Redis goes on admitting under its own limits (never a 500),
 * with one WARN and one INFO when Redis is back.
 */
class ClusterAdmissionTest {
    private static final Duration TTL = Duration.ofMillis(1500);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CHATS = 4;
    /** A budget that polling for a few seconds never spends. */
    private static final int POLLING_CHATS = 10_000;
    private static final String TOKEN = "cluster-admin-token-0123456789abcdef";

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
    void twoHubsTogetherRefuseTheChatOverTheBudget() throws Exception {
        Network a = hub(redis.url(), "a");
        Network b = hub(redis.url(), "b");
        for (int i = 0; i < CHATS / 2; i++) {
            assertThat(chat(a).statusCode()).isNotIn(429, 500);
            assertThat(chat(b).statusCode()).isNotIn(429, 500);
        }
        var refused = chat(a);
        assertThat(refused.statusCode()).as("the budget's 5th chat, on either hub").isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(chat(b).statusCode()).isEqualTo(429);
    }

    @Test
    void aBanMadeOnOneHubIsRefusedOnTheOtherUntilItIsLiftedThere() throws Exception {
        Network a = hub(redis.url(), "a", POLLING_CHATS);
        Network b = hub(redis.url(), "b", POLLING_CHATS);
        var made = admin(a, "POST", "/admin/bans", "{\"address\":\"127.0.0.1\",\"seconds\":600}");
        assertThat(made.statusCode()).isEqualTo(200);
        String id = Json.parse(made.body()).path("id").asText();

        await().atMost(WAIT).until(() -> chat(b).statusCode() == 403);
        assertThat(chat(a).statusCode()).isEqualTo(403);
        assertThat(admin(b, "DELETE", "/admin/bans/" + id, null).statusCode()).as("lifted on the other hub").isEqualTo(200);
        await().atMost(WAIT).until(() -> chat(a).statusCode() != 403);
    }

    @Test
    void withRedisCutAHubAdmitsUnderItsOwnLimitsAndSaysSoOnceEachWayForDirectoryAndAdmissionTogether() throws Exception {
        var relay = new CuttableTcp(LocalRedis.PORT);
        open.add(relay);
        var logger = (Logger) LoggerFactory.getLogger("dev.idleclaw.cluster");
        Level before = logger.getLevel();
        var seen = new ListAppender<ILoggingEvent>();
        seen.start();
        logger.addAppender(seen);
        logger.setLevel(Level.INFO);
        try {
            Network a = hub("redis://127.0.0.1:" + relay.port(), "a");
            relay.cut();
            // Both the admission state and the directory see the outage (they share the store), yet it is one WARN.
            await().atMost(WAIT).until(() -> !a.hub.sharedAdmission().reachable() && !a.hub.cluster().reachable()
                    && !lines(seen, Level.WARN).isEmpty());

            for (int i = 0; i < CHATS; i++) assertThat(chat(a).statusCode()).as("admitted, never a 500").isNotIn(429, 500);
            assertThat(chat(a).statusCode()).as("the hub's own budget").isEqualTo(429);

            relay.restore();
            await().atMost(WAIT).until(() -> a.hub.sharedAdmission().reachable() && a.hub.cluster().reachable());
            assertThat(lines(seen, Level.WARN)).hasSize(1).first().asString().contains("unreachable");
            assertThat(lines(seen, Level.INFO)).filteredOn(l -> l.contains("reachable again")).hasSize(1);
        } finally {
            logger.detachAppender(seen);
            logger.setLevel(before);
        }
    }

    private Network hub(String redisUrl, String name) throws Exception {
        return hub(redisUrl, name, CHATS);
    }

    /** {@code chats}: the chat budget per minute (the ban test polls with chats, so it needs a large one). */
    private Network hub(String redisUrl, String name, int chats) throws Exception {
        Consumer<HubConfig.Builder> change = c -> {
            c.cluster = redisUrl;
            c.clusterUrl = "http://127.0.0.1/" + name;
            c.clusterTtl = TTL;
            c.clusterPrefix = redis.prefix;
            c.chatRpm = chats;
            c.adminToken = TOKEN;
        };
        var n = new Network(change);
        open.add(n);
        if (redisUrl.equals(redis.url())) await().atMost(WAIT).until(() -> n.hub.sharedAdmission().reachable());
        return n;
    }

    private static List<String> lines(ListAppender<ILoggingEvent> seen, Level level) {
        synchronized (seen.list) {
            return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** A chat for a model nobody serves: it spends a chat token, and is refused 404 when admitted. */
    private HttpResponse<String> chat(Network n) throws Exception {
        String body = "{\"model\":\"nobody-serves:1b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(n.url() + "/api/chat")).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(Network n, String method, String path, String body) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(n.url() + path)).timeout(WAIT).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}

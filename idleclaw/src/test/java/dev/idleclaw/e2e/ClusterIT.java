package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.DialectStream.Outcome.CUT;
import static dev.idleclaw.e2e.DialectStream.Outcome.FINISHED;
import static dev.idleclaw.e2e.DialectStream.Outcome.IN_BAND_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.e2e.ClusterProcesses.HubProcess;
import dev.idleclaw.e2e.DialectStream.Dialect;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.Behaviour;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster as docs/operations.md "Running a cluster" describes it: three hub processes (the packaged jar) sharing a
 * Redis directory (a redis-server of the test's own, so it can be restarted) and one PostgreSQL ledger schema
 * (reached through a {@link CuttableTcp} relay, so it can be made unreachable), behind HAProxy running the shipped
 * deploy/haproxy/idleclaw-cluster.cfg. Node agents attach through the balancer, consumers use it in all three
 * dialects. The processes start once for the class; the cases run in order, each first making the cluster whole
 * again (every hub up and holding a node of its own).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ClusterIT {
    static final String SHARED = "shared:1";
    static final String SLOW = "slow:1";
    static final String SOLO = "solo:1";
    /** Tokens of a slow answer and their spacing: 6 s, so every stream is still running when a hub is killed. */
    static final Behaviour SLOW_ANSWER = Behaviour.defaults().withTokenCount(40).withDelayPerToken(Duration.ofMillis(150));
    /** A node whose hub died must be back on another one within this (its first reconnect waits 1-2 s). */
    static final Duration RECONNECT_LIMIT = Duration.ofSeconds(15);
    /**
     * A dead hub's directory entries were refreshed at most a refresh before it died, so they go within the TTL; plus
     * the test's own polling of Redis, which lags on a loaded machine (15.0 s measured once, the refresh just before the kill).
     */
    static final Duration EXPIRY_LIMIT = ClusterSettings.DEFAULT_TTL.plusSeconds(2);
    /** Any answer of this test, cut or whole, ends well within this; longer is a hang. */
    static final Duration ANSWER_LIMIT = Duration.ofSeconds(30);
    /** A hub's directory tick: every 5 s. */
    static final Duration REFRESH = ClusterSettings.DEFAULT_TTL.dividedBy(ClusterSettings.REFRESHES_PER_TTL);
    /** An address nobody in this test connects from, banned on every hub; a client claims it in X-Forwarded-For. */
    static final String SPOOFED = "198.51.100.7";
    private static final Path DEPLOY = Path.of(System.getProperty("idleclaw.deploy", "../deploy"));

    @TempDir
    static Path dir;
    static RedisServer redis;
    static PostgresSchema pg;
    static CuttableTcp pgLink;
    static ClusterProcesses cluster;
    static Haproxy lb;
    static final NodeFleet fleet = new NodeFleet();
    static final List<Identity> consumers = List.of(Identity.generate(), Identity.generate());
    /** Every model a node of this test serves, for the listings. */
    static final Set<String> models = new HashSet<>();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    static int nodeSerial;

    @BeforeAll
    @Timeout(240)
    static void start() throws Exception {
        Path haproxy = Haproxy.binary();
        redis = RedisServer.start(dir.resolve("redis"));
        pg = PostgresSchema.fresh();
        pgLink = new CuttableTcp(5432);
        cluster = new ClusterProcesses(3, redis.url(), pg.url().replace("127.0.0.1:5432/", "127.0.0.1:" + pgLink.port() + "/"));
        cluster.startAll();
        lb = Haproxy.start(haproxy, DEPLOY, dir.resolve("haproxy"), cluster.ports());
        awaitBalancerSeesAllUp();
        // One at a time, each registered before the next: "balance leastconn" then puts one on every hub.
        for (int i = 0; i < cluster.hubs.size(); i++) awaitOn(startNode(lb.url()), null);
        for (HubProcess h : cluster.hubs) assertThat(cluster.nodeKeys(h)).as("nodes on " + h.name).hasSize(1);
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
        if (lb != null) lb.close();
        if (cluster != null) cluster.close();
        if (pgLink != null) pgLink.close();
        if (pg != null) pg.close();
        if (redis != null) redis.close();
    }

    /**
     * Every hub up (a killed one started again), seen up by the balancer, and holding a node of its own: a hub without
     * one gets the next node through the balancer ("balance leastconn": it has the fewest connections).
     */
    @BeforeEach
    @Timeout(180)
    void clusterIsWhole() throws Exception {
        for (HubProcess h : cluster.hubs) if (!h.proc.process.isAlive()) cluster.start(h);
        awaitBalancerSeesAllUp();
        for (HubProcess h : cluster.hubs) if (cluster.nodeKeys(h).isEmpty()) awaitOn(startNode(lb.url()), h);
        await().atMost(REFRESH.multipliedBy(3)).ignoreExceptions().until(() -> everyHubLists(fleetSize()));
    }

    @Test
    @Order(0)
    void haproxyAcceptsTheShippedConfigurationAsItIs() throws Exception {
        assertThat(Haproxy.check(Haproxy.binary(), DEPLOY.resolve(Haproxy.CONFIG))).contains("Configuration file is valid");
    }

    @Test
    @Order(1)
    void everyDialectAnswersThroughTheBalancerAndEveryHubListsEveryNode() throws Exception {
        for (Dialect d : Dialect.values()) {
            var answer = DialectStream.chat(http, lb.url(), d, SHARED, ANSWER_LIMIT);
            assertThat(answer.outcome()).as(d + ": " + answer.body()).isEqualTo(FINISHED);
            assertThat(answer.body()).contains("stand-in");
            assertThat(answer.hub()).as("the balancer names the hub").startsWith("hub");
        }
        assertThat(cluster.tags(lb.url())).containsAll(models);
        assertThat(cluster.nodeCount(lb.url())).isEqualTo(fleetSize());
        for (HubProcess h : cluster.hubs) {
            assertThat(cluster.tags(h.url())).as(h.name).containsAll(models);
            assertThat(cluster.nodeCount(h.url())).as(h.name).isEqualTo(fleetSize());
            // Through HAProxy (127.1.0.1) the hub still sees the node's own address (127.0.0.1; shown masked).
            assertThat(cluster.json(h.url() + "/admin/nodes").path("nodes").findValuesAsText("ip")).as(h.name).containsOnly("127.0.x.x");
        }
    }

    @Test
    @Order(2)
    void aClientCannotChooseItsAddressThroughTheBalancer() throws Exception {
        for (HubProcess h : cluster.hubs) {
            var ban = cluster.post(h.url() + "/admin/bans", "{\"address\":\"" + SPOOFED + "\",\"seconds\":60}");
            assertThat(ban.statusCode()).as(ban.body()).isEqualTo(200);
            // Control: a request from the trusted proxy's address claiming the banned one is refused…
            assertThat(RawHttp.chatStatus(Haproxy.SOURCE, h.port, SHARED, SPOOFED)).as(h.name).isEqualTo(403);
        }
        // …but through the balancer the client's own X-Forwarded-For is dropped, so its real address is used.
        for (int i = 0; i < cluster.hubs.size(); i++) {
            assertThat(RawHttp.chatStatus("127.0.0.1", lb.port, SHARED, SPOOFED)).isEqualTo(200);
        }
    }

    @Test
    @Order(3)
    void killingAHubUnderLoadCutsOnlyItsOwnStreamsAndItsNodeMovesToAnotherHub() throws Exception {
        var load = ReceiptLoad.start(lb.url(), SHARED, 4, consumers);
        List<DialectStream.Started> streams = new ArrayList<>();
        HubProcess victim;
        String victimKey, orphan;
        long killedAt;
        CompletableFuture<Double> reconnected, expired;
        List<String> victimOutcomes = new ArrayList<>();
        try (load) {
            await().atMost(ANSWER_LIMIT).until(() -> load.acknowledged.size() >= 10);
            for (int i = 0; i < 2; i++) for (Dialect d : Dialect.values()) streams.add(DialectStream.start(http, lb.url(), d, SLOW));
            for (var s : streams) assertThat(s.status()).as(s.dialect() + " from " + s.hub()).isEqualTo(200);
            victim = cluster.hub(streams.getFirst().hub());
            assertThat(streams).as("streams on other hubs, to show they live on").anyMatch(s -> !s.hub().equals(victim.name));
            victimKey = cluster.hubKey(victim);
            orphan = cluster.nodeKeys(victim).iterator().next();

            killedAt = System.nanoTime();
            assertThat(victim.proc.kill()).as("SIGKILL").isEqualTo(137);
            // Timed from the kill on, while the requests below run.
            reconnected = watch(killedAt, RECONNECT_LIMIT, () -> cluster.hubOf(orphan) != null);
            expired = watch(killedAt, EXPIRY_LIMIT, () -> redis.with(r ->
                    r.exists(ClusterSettings.DEFAULT_PREFIX + "member:" + victimKey, ClusterSettings.DEFAULT_PREFIX + "nodes:" + victimKey) == 0));

            // Every new request succeeds: one that reaches the dead hub before its health checks fail is redispatched.
            for (Dialect d : Dialect.values()) {
                for (int i = 0; i < 2; i++) {
                    var answer = DialectStream.chat(http, lb.url(), d, SHARED, ANSWER_LIMIT);
                    assertThat(answer.outcome()).as(d + " after the kill, from " + answer.hub() + ": " + answer.body()).isEqualTo(FINISHED);
                    assertThat(answer.hub()).isNotEqualTo(victim.name);
                }
            }
            for (var s : streams) {
                var answer = s.await(ANSWER_LIMIT);
                if (victim.name.equals(s.hub())) {
                    assertThat(answer.outcome()).as(s.dialect() + ": " + answer.body()).isIn(IN_BAND_ERROR, CUT);
                    victimOutcomes.add(s.dialect() + " " + answer.outcome());
                } else assertThat(answer.outcome()).as(s.dialect() + " from " + s.hub() + ": " + answer.body()).isEqualTo(FINISHED);
            }
        }
        assertThat(load.badSignatures).hasValue(0);

        double reconnectSeconds = reconnected.get(), expirySeconds = expired.get();
        for (HubProcess h : cluster.hubs) {
            if (h != victim) await().atMost(REFRESH.multipliedBy(3)).until(() -> cluster.nodeCount(h.url()) == fleetSize());
        }
        ClusterLedger.assertHolds(pg.url(), List.copyOf(load.acknowledged));
        System.out.printf("[cluster] %s SIGKILLed with %d of %d streams on it (%s); its node was back on %s after %.1f s; "
                        + "its directory entries expired after %.1f s; %d receipts acknowledged, all in the ledger once%n",
                victim.name, victimOutcomes.size(), streams.size(), victimOutcomes, cluster.hubOf(orphan).name,
                reconnectSeconds, expirySeconds, load.acknowledged.size());
    }

    @Test
    @Order(4)
    void aRedisRestartLeavesEveryHubServingItsOwnNodesAndTheDirectoryIsRebuilt() throws Exception {
        // The hub's one store logs these for its directory and its admission state together: one pair per hub.
        String down = "this hub serves and lists its own nodes only", back = "is reachable again: the node directory is republished";
        Map<String, Long> warnedBefore = new TreeMap<>(), backBefore = new TreeMap<>();
        for (HubProcess h : cluster.hubs) {
            warnedBefore.put(h.name, ClusterProcesses.logLines(h, down));
            backBefore.put(h.name, ClusterProcesses.logLines(h, back));
        }
        redis.stop();
        for (HubProcess h : cluster.hubs) {
            await().atMost(REFRESH.multipliedBy(3)).until(() -> ClusterProcesses.logLines(h, down) > warnedBefore.get(h.name));
        }
        for (HubProcess h : cluster.hubs) {
            assertThat(cluster.nodeCount(h.url())).as(h.name + " lists its own nodes only").isEqualTo(cluster.nodeKeys(h).size());
            var answer = DialectStream.chat(http, h.url(), Dialect.OLLAMA, SHARED, ANSWER_LIMIT);
            assertThat(answer.outcome()).as(h.name + ": " + answer.body()).isEqualTo(FINISHED);
        }
        for (Dialect d : Dialect.values()) assertThat(DialectStream.chat(http, lb.url(), d, SHARED, ANSWER_LIMIT).outcome()).isEqualTo(FINISHED);
        // Down for a further tick: still one line per hub, not one per failed tick.
        await().pollDelay(REFRESH.plusSeconds(1)).atMost(REFRESH.multipliedBy(2)).until(() -> true);

        long restartedAt = System.nanoTime();
        redis.start();
        await().atMost(REFRESH.multipliedBy(3)).ignoreExceptions().until(() -> everyHubLists(fleetSize()));
        double rebuilt = seconds(restartedAt);
        assertThat(cluster.tags(lb.url())).containsAll(models);
        for (HubProcess h : cluster.hubs) {
            assertThat(ClusterProcesses.logLines(h, down) - warnedBefore.get(h.name)).as(h.name + ": " + down).isEqualTo(1);
            await().atMost(REFRESH).until(() -> ClusterProcesses.logLines(h, back) - backBefore.get(h.name) >= 1);
        }
        // Settled for a further tick: still one pair per hub (the directory and the admission state share its store).
        await().pollDelay(REFRESH.plusSeconds(1)).atMost(REFRESH.multipliedBy(2)).until(() -> true);
        for (HubProcess h : cluster.hubs) {
            assertThat(ClusterProcesses.logLines(h, down) - warnedBefore.get(h.name)).as(h.name + ": " + down).isEqualTo(1);
            assertThat(ClusterProcesses.logLines(h, back) - backBefore.get(h.name)).as(h.name + ": " + back).isEqualTo(1);
        }
        System.out.printf("[cluster] Redis restarted: every hub listed all %d nodes again %.1f s later%n", fleetSize(), rebuilt);
    }

    /** Chats flow, receipts wait in memory and are written once when PostgreSQL is back; signed callers get a quick 503 meanwhile. */
    @Test
    @Order(5)
    void aPostgresOutageLetsChatsFlowAndTheirReceiptsAreWrittenWhenItReturns() throws Exception {
        var load = new ReceiptLoad(lb.url(), SHARED);
        List<SignedReceipt> acked = new ArrayList<>();
        pgLink.cut();
        try {
            for (Dialect d : Dialect.values()) {
                var answer = DialectStream.chat(http, lb.url(), d, SHARED, ANSWER_LIMIT);
                assertThat(answer.outcome()).as("anonymous %s chat while PostgreSQL is unreachable, on %s: %s", d, answer.hub(), answer.body())
                        .isEqualTo(FINISHED);
            }
            for (int i = 0; i < 6; i++) {
                // Anonymous: answered, and the receipt handed out waits in the hub's memory for the database.
                var res = load.send(null);
                var receipt = res.headers().firstValue(ReceiptLoad.RECEIPT_HEADER);
                assertThat(receipt).as("anonymous chat %d while PostgreSQL is unreachable, on %s: %d %s", i,
                        res.headers().firstValue(DialectStream.BACKEND_HEADER).orElse("?"), res.statusCode(), res.body()).isPresent();
                acked.add(SignedReceipt.fromBase64(receipt.get()));
            }
            // A signed caller's nonce and balance live in the ledger: refused at once with 503, not a hang or a 500.
            long started = System.nanoTime();
            var refused = load.send(consumers.getFirst());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            pgLink.restore();
        }
        await().atMost(ANSWER_LIMIT).ignoreExceptions().untilAsserted(() -> ClusterLedger.assertHolds(pg.url(), acked));
        // Once it is back, signed callers are served again.
        await().atMost(ANSWER_LIMIT).untilAsserted(() -> assertThat(load.send(consumers.getFirst()).statusCode()).isEqualTo(200));
    }

    /** A node held by one hub serves consumers on every hub: the others forward to it. */
    @Test
    @Order(6)
    void aNodeOnOneHubServesConsumersWhicheverHubTheBalancerPicks() throws Exception {
        HubProcess home = cluster.hubs.getFirst();
        var solo = fleet.start(home.url(), Map.of(SOLO, Behaviour.defaults()));
        try {
            awaitOn(solo, home);
            await().atMost(REFRESH.multipliedBy(3)).ignoreExceptions().until(() -> everyHubLists(fleetSize()) && listsSolo());
            for (HubProcess h : cluster.hubs) {
                for (Dialect d : Dialect.values()) {
                    var answer = DialectStream.chat(http, h.url(), d, SOLO, ANSWER_LIMIT);
                    assertThat(answer.outcome()).as(d + " on " + h.name + ": " + answer.body()).isEqualTo(FINISHED);
                }
            }
            Set<String> answeredBy = new HashSet<>();
            for (int round = 0; round < 3; round++) {
                for (Dialect d : Dialect.values()) {
                    var answer = DialectStream.chat(http, lb.url(), d, SOLO, ANSWER_LIMIT);
                    assertThat(answer.outcome()).as(d + " via the balancer on " + answer.hub() + ": " + answer.body()).isEqualTo(FINISHED);
                    answeredBy.add(answer.hub());
                }
            }
            assertThat(answeredBy).as("hubs the balancer picked").anyMatch(h -> !h.equals(home.name));
        } finally {
            fleet.stop(solo);
        }
    }

    private static boolean listsSolo() throws Exception {
        for (HubProcess h : cluster.hubs) if (!cluster.tags(h.url()).contains(SOLO)) return false;
        return cluster.tags(lb.url()).contains(SOLO);
    }

    /** A node serving the shared and slow models and one of its own, connecting to {@code server}. */
    private static NodeFleet.Node startNode(String server) {
        String own = "only-" + ++nodeSerial + ":1";
        models.addAll(List.of(SHARED, SLOW, own));
        return fleet.start(server, Map.of(SHARED, Behaviour.defaults(), SLOW, SLOW_ANSWER, own, Behaviour.defaults()));
    }

    /** Waits until {@code node} is registered (on {@code hub}, when not null). */
    private static void awaitOn(NodeFleet.Node node, HubProcess hub) {
        await().atMost(ClusterProcesses.START).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            HubProcess on = cluster.hubOf(node.key());
            return on != null && (hub == null || on == hub);
        });
    }

    private static void awaitBalancerSeesAllUp() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> lb.serverStates().values().stream().allMatch("UP"::equals) && lb.serverStates().size() == cluster.hubs.size());
    }

    /** Whether every hub (and the balancer) lists {@code count} nodes and every model. */
    private static boolean everyHubLists(int count) throws Exception {
        for (HubProcess h : live()) {
            if (cluster.nodeCount(h.url()) != count || !cluster.tags(h.url()).containsAll(models)) return false;
        }
        return true;
    }

    private static int fleetSize() throws Exception {
        int n = 0;
        for (HubProcess h : live()) n += cluster.nodeKeys(h).size();
        return n;
    }

    private static List<HubProcess> live() {
        return cluster.hubs.stream().filter(h -> h.proc.process.isAlive()).toList();
    }

    /**
     * Polls {@code condition} on a virtual thread from now on; completes with the seconds from {@code since} until it
     * first held, or fails once {@code limit} has passed since then.
     */
    private static CompletableFuture<Double> watch(long since, Duration limit, Callable<Boolean> condition) {
        var seen = new CompletableFuture<Double>();
        Thread.ofVirtual().start(() -> {
            try {
                await().atMost(limit.minusNanos(System.nanoTime() - since)).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions().until(condition);
                seen.complete(seconds(since));
            } catch (Throwable e) {
                seen.completeExceptionally(new AssertionError("not within " + limit + " of the kill", e));
            }
        });
        return seen;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}

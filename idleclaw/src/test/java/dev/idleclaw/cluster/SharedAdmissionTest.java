package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.admission.ChatGate;
import dev.idleclaw.admission.RateLimiter;
import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.config.Limits;
import dev.idleclaw.e2e.LocalRedis;
import dev.idleclaw.registry.Bans;
import dev.idleclaw.registry.NodeLeases;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two "hubs" (two {@link SharedAdmission}s with their own local state) on the machine's Redis under a fresh prefix:
 * each limit holds across both, a crashed holder's leases expire within the TTL, and without Redis the hub's own
 * limits decide without an exception.
 */
class SharedAdmissionTest {
    /** Short, so a crashed holder's leases expire within a test. */
    private static final Duration TTL = Duration.ofMillis(900);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CHATS = 20, STREAMS = 3, NODES = 3;
    private static final String CLIENT = "198.51.100.7";

    /** Each hub's admission state, then its store (the hub's order of closing). */
    private final List<AutoCloseable> open = new ArrayList<>();
    private LocalRedis redis;

    @BeforeEach
    void findRedis() {
        redis = LocalRedis.fresh();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) c.close();
        redis.close();
    }

    @Test
    void twoHubsTogetherRefuseThe21stChatOfAMinute() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        for (int i = 0; i < CHATS / 2; i++) {
            assertThat(a.rates().take(RateLimiter.Kind.CHAT, CLIENT)).isZero();
            assertThat(b.rates().take(RateLimiter.Kind.CHAT, CLIENT)).isZero();
        }
        assertThat(a.rates().take(RateLimiter.Kind.CHAT, CLIENT)).as("the 21st, on either hub").isPositive();
        assertThat(b.rates().take(RateLimiter.Kind.CHAT, CLIENT)).isPositive();
        assertThat(a.rates().take(RateLimiter.Kind.CHAT, "198.51.100.8")).as("another client's budget").isZero();
        assertThat(a.rates().take(RateLimiter.Kind.DEFAULT, CLIENT)).as("another kind's budget").isZero();
        String key = redis.prefix + "rate:chat:" + CLIENT;
        long ttl = redis.with(r -> r.pttl(key));
        assertThat(ttl).as("the bucket's key expires").isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
    }

    @Test
    void theOpenStreamCapCountsTheClientsStreamsOnEveryHub() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        Runnable first = a.streams().take(CLIENT);
        assertThat(first).isNotNull();
        assertThat(a.streams().take(CLIENT)).isNotNull();
        assertThat(b.streams().take(CLIENT)).isNotNull();
        assertThat(b.streams().take(CLIENT)).as("a 4th stream, on another hub").isNull();
        assertThat(a.streams().take("198.51.100.8")).as("another client").isNotNull();

        first.run(); // given back without waiting on Redis: the other hub sees it free as soon as Redis has it
        await().atMost(WAIT).until(() -> b.streams().take(CLIENT) != null);
        assertThat(b.streams().take(CLIENT)).as("and only that one").isNull();
    }

    @Test
    void theNodeCapCountsAnAddresssNodesOnEveryHubAndAReRegistrationKeepsItsLease() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        List<String> scopes = List.of(NodeLeases.address(CLIENT));
        assertThat(a.nodeLeases().take("n1", scopes, NODES).granted()).isTrue();
        assertThat(a.nodeLeases().take("n2", scopes, NODES).granted()).isTrue();
        assertThat(b.nodeLeases().take("n3", scopes, NODES).granted()).isTrue();

        var refused = b.nodeLeases().take("n4", scopes, NODES);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.full()).isEqualTo(NodeLeases.address(CLIENT));
        var again = a.nodeLeases().take("n1", scopes, NODES);
        assertThat(again.granted()).as("n1 re-registering on its hub").isTrue();
        assertThat(again.newly()).as("it held its lease already").isEmpty();

        a.nodeLeases().release("n2", scopes); // given back without waiting on Redis, as a stream's lease is
        await().atMost(WAIT).until(() -> b.nodeLeases().take("n4", scopes, NODES).granted());
    }

    @Test
    void aKeysNodesCountAcrossHubsFromAnyAddress() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        String key = NodeLeases.key("lob1" + "ab".repeat(32));
        for (int i = 0; i < NODES; i++) {
            assertThat(a.nodeLeases().take("k" + i, List.of(NodeLeases.address("10.0.0." + i), key), NODES).granted()).isTrue();
        }
        var refused = b.nodeLeases().take("k9", List.of(NodeLeases.address("10.0.0.9"), key), NODES);
        assertThat(refused.full()).isEqualTo(key);
    }

    @Test
    void aCrashedHubsLeasesStopCountingWithinTheTtl() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        for (int i = 0; i < STREAMS; i++) assertThat(a.streams().take(CLIENT)).isNotNull();
        assertThat(a.nodeLeases().take("n1", List.of(NodeLeases.address(CLIENT)), 1).granted()).isTrue();
        assertThat(b.streams().take(CLIENT)).isNull();

        a.abandon(); // as kill -9: nothing given back, nothing refreshed
        open.remove(a);
        await().atMost(TTL.multipliedBy(6)).until(() -> b.streams().take(CLIENT) != null);
        assertThat(b.nodeLeases().take("n2", List.of(NodeLeases.address(CLIENT)), 1).granted()).isTrue();
        long exists = redis.with(r -> r.exists(redis.prefix + "streams:" + CLIENT));
        assertThat(exists).as("the set lives while a lease does").isOne();
    }

    @Test
    void aLiveHubKeepsItsLeasesPastTheTtl() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        for (int i = 0; i < STREAMS; i++) assertThat(a.streams().take(CLIENT)).isNotNull();
        long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) assertThat(b.streams().take(CLIENT)).as("A refreshes its leases").isNull();
    }

    @Test
    void aHubThatClosesGivesItsLeasesBackAtOnce() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        for (int i = 0; i < STREAMS; i++) assertThat(a.streams().take(CLIENT)).isNotNull();
        a.close();
        open.remove(a);
        assertThat(b.streams().take(CLIENT)).isNotNull();
    }

    @Test
    void aBanMadeOnOneHubIsHonouredByTheOtherAndSoIsItsLiftAndItsEnd() {
        var a = hub(redis.url());
        var b = hub(redis.url());
        var seen = new ArrayList<Bans.Ban>();
        b.onBanArrival(seen::add);
        var ban = a.bans().ban(Bans.Kind.ADDRESS, CLIENT, Duration.ofMinutes(5));
        assertThat(a.bans().banned(null, CLIENT)).isTrue();

        await().atMost(WAIT).until(() -> b.bans().banned(null, CLIENT));
        assertThat(b.bans().list()).extracting(Bans.Ban::id).containsExactly(ban.id());
        assertThat(seen).extracting(Bans.Ban::id).containsExactly(ban.id());

        assertThat(b.bans().lift(ban.id())).isNotNull();
        await().atMost(WAIT).until(() -> !a.bans().banned(null, CLIENT));

        String key = "lob1" + "cd".repeat(32);
        // Long enough that A's next read (every second) still finds it in force.
        b.bans().ban(Bans.Kind.KEY, key, Duration.ofSeconds(4));
        await().atMost(WAIT).until(() -> a.bans().banned(key, null));
        await().atMost(WAIT).until(() -> !a.bans().banned(key, null) && !b.bans().banned(key, null));
        long left = redis.with(r -> r.hlen(redis.prefix + "bans"));
        assertThat(left).as("an ended ban leaves the hash").isZero();
    }

    @Test
    void withRedisUnreachableEachHubAdmitsUnderItsOwnLimitsWithoutAnException() throws Exception {
        int closed;
        try (var s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        var a = hub("redis://127.0.0.1:" + closed);
        await().atMost(WAIT).until(() -> !a.reachable() && probed(a));

        for (int i = 0; i < CHATS; i++) assertThat(a.rates().take(RateLimiter.Kind.CHAT, CLIENT)).isZero();
        assertThat(a.rates().take(RateLimiter.Kind.CHAT, CLIENT)).as("the hub's own limit").isPositive();
        for (int i = 0; i < STREAMS; i++) assertThat(a.streams().take(CLIENT)).isNotNull();
        assertThat(a.streams().take(CLIENT)).isNull();
        assertThat(a.nodeLeases().take("n1", List.of(NodeLeases.address(CLIENT)), NODES).granted()).isTrue();
        var ban = a.bans().ban(Bans.Kind.ADDRESS, CLIENT, Duration.ofMinutes(1));
        assertThat(a.bans().banned(null, CLIENT)).isTrue();
        assertThat(a.bans().lift(ban.id())).isNotNull();
        assertThat(a.bans().banned(null, CLIENT)).isFalse();
    }

    /** Whether the first probe has run (it failed: the store is down, not unknown). */
    private static boolean probed(SharedAdmission a) {
        return a.probed();
    }

    private SharedAdmission hub(String url) {
        var settings = new ClusterSettings(URI.create(url), URI.create("http://127.0.0.1/" + open.size()), TTL, redis.prefix);
        var limits = new Limits(CHATS, Limits.DEFAULT_WS_RPM, Limits.DEFAULT_OTHER_RPM, NODES, STREAMS, Limits.DEFAULT_MAX_MESSAGES, List.of());
        var hubKey = "lob1" + Integer.toHexString(open.size()).repeat(64).substring(0, 64);
        var store = new ClusterStore(settings.redis());
        var s = new SharedAdmission(settings, store, hubKey, limits, new RateLimiter(CHATS, Limits.DEFAULT_WS_RPM, Limits.DEFAULT_OTHER_RPM),
                new ChatGate(STREAMS));
        open.add(s);
        open.add(store);
        s.start();
        if (url.equals(redis.url())) await().atMost(WAIT).until(s::reachable);
        return s;
    }
}

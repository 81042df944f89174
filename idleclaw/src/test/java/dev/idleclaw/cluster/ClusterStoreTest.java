package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The hub's one store against a Redis that hangs: a command gives up after {@link ClusterStore#COMMAND_TIMEOUT}, the
 * store is then down for every user until a probe reaches Redis again, and the outage is one WARN and one INFO line
 * however many users and commands saw it.
 */
class ClusterStoreTest {
    /** Generous against a loaded machine, yet well short of the connect timeout a command must not inherit. */
    private static final Duration COMMAND_LIMIT = ClusterStore.COMMAND_TIMEOUT.plusMillis(500);

    private final Logger logger = (Logger) LoggerFactory.getLogger(ClusterStore.class);
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private Level before;

    @BeforeEach
    void listen() {
        before = logger.getLevel();
        seen.start();
        logger.addAppender(seen);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(seen);
        logger.setLevel(before);
    }

    @Test
    void aHungRedisCostsACommandAtMostTheCommandTimeoutAndTheOutageIsOneWarnAndOneInfo() throws Exception {
        try (var redis = new StallingRedis(); var store = new ClusterStore(URI.create(redis.url()))) {
            var told = new AtomicInteger();
            store.onChange(told::incrementAndGet);
            assertThat(store.check()).as("the first probe connects").isTrue();
            assertThat(told).as("joining is no change of reachability").hasValue(0);
            assertThat(store.text()).isNotNull();
            assertThat(store.bytes()).as("Bucket4j's connection, from the same store").isNotNull();

            redis.stall(true);
            long started = System.nanoTime();
            assertThatThrownBy(() -> store.text().sync().set("k", "v")).isInstanceOf(RedisCommandTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(COMMAND_LIMIT);
            store.failed(new RedisCommandTimeoutException("as the directory saw it"));
            store.failed(new RedisCommandTimeoutException("as admission saw it"));
            assertThat(store.reachable()).isFalse();
            assertThat(told).as("the directory is told once, to fall back at once").hasValue(1);
            assertThat(store.text()).as("no user waits on a down store").isNull();
            assertThat(store.bytes()).isNull();
            assertThat(store.connected()).as("a tick's probe while it hangs").isNull();

            redis.stall(false);
            assertThat(store.connected()).as("a tick's probe once it answers").isNotNull();
            assertThat(store.check()).isTrue();
            assertThat(store.reachable()).isTrue();
            assertThat(told).as("and once when Redis is back, to republish at once").hasValue(2);
        }
        assertThat(lines(Level.WARN)).hasSize(1).first().asString().contains("is unreachable").contains("own nodes only")
                .contains("bans");
        assertThat(lines(Level.INFO)).hasSize(1).first().asString().contains("is reachable again");
    }

    private List<String> lines(Level level) {
        synchronized (seen.list) {
            return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}

package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static dev.idleclaw.server.HubTestSupport.async;
import static dev.idleclaw.server.HubTestSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.testkit.StandInNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request queued for a model whose last node dies is answered at once ("no node"), not after the queue timeout;
 * while another node still serves the model it keeps waiting for that one.
 */
@Timeout(60)
class QueuedNodeLossTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);
    /** Far longer than the answers expected here, so an answer after it would be the queue timeout's. */
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(20);

    /** Holds a request whose prompt starts with "hold" until {@code release}; echoes the rest. */
    private static List<String> holding(StandInNode node, CountDownLatch release) {
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        node.onRequest(req -> {
            String id = req.path("request_id").asText(), p = prompt(req);
            served.add(p);
            try {
                if (p.startsWith("hold") && !release.await(30, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            node.content(id, p);
            node.done(id);
        });
        return served;
    }

    @Test
    void aWaiterWhoseOnlyNodeDiesIsAnsweredAtOnce() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = QUEUE_TIMEOUT); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            List<String> served = holding(node, new CountDownLatch(1));
            var held = async(() -> hub.chat(ask("m:1", "hold")));
            await().atMost(AWAIT).until(() -> served.contains("hold"));
            var queued = async(() -> hub.chat(ask("m:1", "queued")));
            await().atMost(AWAIT).until(() -> hub.hub.scheduler().waiting() == 1);

            long start = System.nanoTime();
            node.kill();
            var answer = queued.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).isEqualTo("{\"detail\":\"No nodes available with model m:1\"}");
            assertThat(hub.hub.scheduler().waiting()).isZero();
            held.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWaiterKeepsWaitingWhileAnotherNodeServesItsModel() throws Exception {
        try (var hub = HubFixture.start(c -> c.queueTimeout = QUEUE_TIMEOUT);
             var dying = StandInNode.registered(hub.port(), 1, "m:1");
             var other = StandInNode.registered(hub.port(), 1, "m:1")) {
            List<String> servedByDying = holding(dying, new CountDownLatch(1));
            var releaseOther = new CountDownLatch(1);
            List<String> servedByOther = holding(other, releaseOther);
            var heldA = async(() -> hub.chat(ask("m:1", "hold-1")));
            var heldB = async(() -> hub.chat(ask("m:1", "hold-2")));
            await().atMost(AWAIT).until(() -> servedByDying.size() + servedByOther.size() == 2);
            var queued = async(() -> hub.chat(ask("m:1", "queued")));
            await().atMost(AWAIT).until(() -> hub.hub.scheduler().waiting() == 1);

            dying.kill();
            await().atMost(AWAIT).until(() -> hub.hub.registry().registered().size() == 1);
            assertThat(queued).isNotDone();
            assertThat(hub.hub.scheduler().waiting()).isGreaterThanOrEqualTo(1);

            releaseOther.countDown();
            var answer = queued.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(Sse.parse(answer.body()).content()).isEqualTo("queued");
            assertThat(servedByOther).contains("queued");
            heldA.get(10, TimeUnit.SECONDS);
            heldB.get(10, TimeUnit.SECONDS);
        }
    }
}

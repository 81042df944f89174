package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.testkit.StandInNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HubPingTest {

    @Test
    void pingsRegisteredNodesAndDropsOnesThatNeverAnswer() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.pingInterval = Duration.ofMillis(200);
            c.pongTimeout = Duration.ofMillis(400);
        }); var ws = new RawWebSocket(hub.port())) {
            ws.sendText("{\"type\":\"register\",\"node_id\":\"mute\",\"models\":[{\"name\":\"m:1\",\"size\":1}]}");
            RawWebSocket.Frame first = ws.read();
            while (first.opcode() != RawWebSocket.TEXT) first = ws.read();
            assertThat(first.text()).isEqualTo("{\"type\":\"registered\",\"node_id\":\"mute\"}");
            long t0 = System.nanoTime();
            int pings = 0;
            RawWebSocket.Frame f;
            while ((f = readQuietly(ws)) != null && f.opcode() != RawWebSocket.CLOSE) {
                if (f.opcode() == RawWebSocket.PING) pings++;
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(pings).isGreaterThanOrEqualTo(1);
            assertThat(elapsedMs).isBetween(400L, 5_000L);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.registry().registered().isEmpty());
        }
    }

    @Test
    void pingsOnlyNodesItHasNotHeardFromWithinThePingInterval() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.pingInterval = Duration.ofMillis(1_000);
            c.pongTimeout = Duration.ofMillis(1_000);
        }); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            long until = System.nanoTime() + Duration.ofMillis(3_500).toNanos();
            while (System.nanoTime() < until) {
                node.heartbeat();
                Thread.sleep(100);
            }
            assertThat(node.pings()).isZero();
            // Silent from now on: pinged again, and kept since the JDK client answers every ping.
            await().atMost(Duration.ofSeconds(10)).until(() -> node.pings() >= 2);
            assertThat(node.closed()).isNotDone();
        }
    }

    private static RawWebSocket.Frame readQuietly(RawWebSocket ws) {
        try {
            return ws.read();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}

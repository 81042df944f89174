package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.StandInNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One address cannot take the hub's connections: sockets over the per-address cap are closed at once while other
 * addresses are served, headers must arrive within a deadline, and a body must keep a minimum rate.
 */
class HubConnectionLimitsTest {
    /** The lowered cap under test. */
    private static final int CAP = 16;
    /** Connections one test client opens from one address: many times the cap. */
    private static final int FLOOD = 200;
    private static final String OTHER_ADDRESS = "127.0.0.2";

    @Test
    void connectionsOverTheCapAreClosedAtOnceAndOtherAddressesAreStillServed() throws Exception {
        try (var hub = HubFixture.start(c -> c.maxConnectionsPerIp = CAP); var flood = new Sockets()) {
            for (int i = 0; i < FLOOD; i++) flood.open(null, hub.port());
            int held = 0, closed = 0;
            for (Socket s : flood.all) {
                if (closedWithin(s, Duration.ofMillis(held < CAP ? 300 : 2_000))) closed++;
                else held++;
            }
            assertThat(held).as("connections the hub kept").isEqualTo(CAP);
            assertThat(closed).isEqualTo(FLOOD - CAP);

            assertThat(healthStatus(OTHER_ADDRESS, hub.port())).as("another address").startsWith("HTTP/1.1 200");
            assertThat(healthStatus(null, hub.port())).as("the flooding address").isNull();

            flood.close();
            awaitHealth(null, hub.port());
        }
    }

    @Test
    void nodeSocketsCountTowardTheCap() throws Exception {
        try (var hub = HubFixture.start(c -> c.maxConnectionsPerIp = 2)) {
            var nodes = List.of(StandInNode.registered(hub.port(), 1, "m:1"), StandInNode.registered(hub.port(), 1, "m:2"));
            try {
                assertThat(healthStatus(null, hub.port())).as("a third socket from the nodes' address").isNull();
                assertThat(healthStatus(OTHER_ADDRESS, hub.port())).startsWith("HTTP/1.1 200");
            } finally {
                nodes.forEach(StandInNode::close);
            }
            awaitHealth(null, hub.port());
        }
    }

    @Test
    void aTrustedProxyIsNotCapped() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.maxConnectionsPerIp = CAP;
            c.trustedProxies = List.of("127.0.0.1");
        }); var many = new Sockets()) {
            for (int i = 0; i < 3 * CAP; i++) many.open(null, hub.port());
            for (Socket s : many.all) assertThat(closedWithin(s, Duration.ofMillis(100))).isFalse();
            assertThat(healthStatus(null, hub.port())).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aSlowlorisIsClosedByTheHeaderDeadline() throws Exception {
        try (var hub = HubFixture.start(c -> c.headerTimeout = Duration.ofSeconds(2)); var s = new Socket("127.0.0.1", hub.port())) {
            long start = System.nanoTime();
            var out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean cut = false;
            for (int i = 0; i < 10 && !cut; i++) {
                try {
                    out.write('x'); // one header byte a second keeps Jetty's idle timer happy
                    out.flush();
                } catch (IOException e) {
                    cut = true;
                }
                cut = cut || closedWithin(s, Duration.ofSeconds(1));
            }
            assertThat(cut).as("closed while still sending headers").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void aBodyBelowTheMinimumRateIsCut() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.headerTimeout = Duration.ofSeconds(2);
            c.minBodyRate = 1_024;
        }); var s = new Socket("127.0.0.1", hub.port())) {
            long start = System.nanoTime();
            var out = s.getOutputStream();
            out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            boolean cut = false;
            for (int i = 0; i < 15 && !cut; i++) {
                try {
                    out.write(" ".repeat(50).getBytes(StandardCharsets.US_ASCII)); // 100 bytes/s in all
                    out.flush();
                } catch (IOException e) {
                    cut = true;
                }
                cut = cut || closedWithin(s, Duration.ofMillis(500));
            }
            assertThat(cut).as("cut while still sending the body").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
        }
    }

    @Test
    void aKeepAliveClientPausingBetweenRequestsIsNotCut() throws Exception {
        try (var hub = HubFixture.start(c -> c.headerTimeout = Duration.ofSeconds(1)); var s = new Socket("127.0.0.1", hub.port())) {
            s.setSoTimeout(5_000);
            var in = s.getInputStream();
            for (int i = 0; i < 4; i++) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = readHead(in);
                assertThat(head).as("request %d", i).startsWith("HTTP/1.1 200");
                in.readNBytes(contentLength(head));
                Thread.sleep(800);
            }
        }
    }

    /** Whether the peer closed {@code s} (EOF or reset) within {@code wait}; false when it is still open. */
    private static boolean closedWithin(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** The status line of {@code GET /health} from {@code source} (null = default), or null when the hub closed at once. */
    private static String healthStatus(String source, int port) throws IOException {
        try (var s = new Socket()) {
            if (source != null) s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            return head.isEmpty() ? null : head;
        } catch (IOException reset) {
            return null;
        }
    }

    private static void awaitHealth(String source, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            String status = healthStatus(source, port);
            if (status != null && status.startsWith("HTTP/1.1 200")) return;
            assertThat(System.nanoTime()).as("served again once the flood closed").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The response's status line and headers (up to the blank line); the body is left unread. */
    private static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) break;
        }
        return head.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) return Integer.parseInt(line.substring(15).strip());
        }
        return 0;
    }

    /** Client sockets closed together. */
    private static final class Sockets implements AutoCloseable {
        final List<Socket> all = new ArrayList<>();

        void open(String source, int port) throws IOException {
            var s = new Socket();
            if (source != null) s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            all.add(s);
        }

        @Override
        public void close() {
            for (Socket s : all) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            all.clear();
        }
    }
}

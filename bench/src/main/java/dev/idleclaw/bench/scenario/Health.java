package dev.idleclaw.bench.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** The hub's {@code GET /health} and {@code GET /metrics}: how many nodes are registered, in the cluster and on this hub. */
final class Health {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern NODE_COUNT = Pattern.compile("\"node_count\"\\s*:\\s*(\\d+)");
    private static final Pattern NODES_CONNECTED = Pattern.compile("\"nodes_connected\"\\s*:\\s*(\\d+)");
    private static final Pattern REQUESTS_ACTIVE = Pattern.compile("\"requests_active\"\\s*:\\s*(\\d+)");
    /** Poll period while waiting: fine enough to time a connect storm to a quarter second. */
    static final long POLL_MILLIS = 250;

    private Health() {}

    /** {@code node_count} (in a cluster: every member's nodes, as the shared directory lists them), or -1 when the hub does not answer. */
    static int nodeCount(URI hub) {
        return number(hub, "/health", NODE_COUNT);
    }

    /** The nodes connected to this hub itself ({@code nodes_connected} of {@code GET /metrics}), or -1 when it does not answer. */
    static int localNodes(URI hub) {
        return number(hub, "/metrics", NODES_CONNECTED);
    }

    /** Requests this hub is answering right now ({@code requests_active} of {@code GET /metrics}), or -1 when it does not answer. */
    static int activeRequests(URI hub) {
        return number(hub, "/metrics", REQUESTS_ACTIVE);
    }

    private static int number(URI hub, String path, Pattern field) {
        try {
            var res = HTTP.send(HttpRequest.newBuilder(hub.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var m = field.matcher(res.body());
            return res.statusCode() == 200 && m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until at least {@code n} nodes are registered; returns the milliseconds it took, or -1 on timeout. */
    static long awaitNodes(URI hub, int n, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime(), deadline = t0 + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (nodeCount(hub) >= n) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(POLL_MILLIS);
        }
        return -1;
    }

    /** Waits until fewer than {@code n} nodes are registered (a stopped fleet's nodes have left); false on timeout. */
    static boolean awaitFewerNodes(URI hub, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int count = nodeCount(hub);
            if (count >= 0 && count < n) return true;
            Thread.sleep(POLL_MILLIS);
        }
        return false;
    }
}

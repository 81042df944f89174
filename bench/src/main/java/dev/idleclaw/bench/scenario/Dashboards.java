package dev.idleclaw.bench.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code S2 --dashboards N}: N open dashboards, each a plain socket on the hub's {@code GET /api/stats/stream} read by
 * its own virtual thread that counts the tick events it gets. They run in the scenario's own process, whose CPU is
 * not the hub's, so the hub's figures show only what serving the streams costs it.
 */
final class Dashboards implements AutoCloseable {
    /** A stream that has not answered its request by then counts as refused. */
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /** Opens {@code n} streams to {@code hub}, one after another, and returns once each has its status line. */
    static Dashboards open(URI hub, int n) throws IOException {
        var d = new Dashboards();
        for (int i = 0; i < n; i++) d.openOne(hub);
        return d;
    }

    private void openOne(URI hub) throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress(hub.getHost(), hub.getPort()), CONNECT_TIMEOUT_MS);
        socket.setSoTimeout(CONNECT_TIMEOUT_MS);
        sockets.add(socket);
        socket.getOutputStream().write(("GET /api/stats/stream HTTP/1.1\r\nHost: " + hub.getHost() + ":" + hub.getPort()
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        if (status == null || !status.contains(" 200")) {
            refused.incrementAndGet();
            socket.close();
            return;
        }
        socket.setSoTimeout(0);
        open.incrementAndGet();
        Thread.ofVirtual().name("dashboard").start(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) if (line.equals("event: tick")) ticks.incrementAndGet();
            } catch (IOException closed) {
                // closed by us at the end, or by the hub
            } finally {
                open.decrementAndGet();
            }
        });
    }

    /** Tick events received by all streams so far. */
    long ticks() {
        return ticks.get();
    }

    /** Streams still open. */
    int open() {
        return open.get();
    }

    /** Streams the hub refused (not 200). */
    int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

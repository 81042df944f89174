package dev.idleclaw.peer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A worker's {@code GET /capacity} on 127.0.0.1 port 0 that answers, fails or hangs as the test says. */
final class FakeWorker implements AutoCloseable {
    final String pubkey;
    final AtomicInteger hits = new AtomicInteger();
    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile String body;
    private volatile boolean hang;

    FakeWorker(String pubkey, String... models) {
        this.pubkey = pubkey;
        models(models);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/capacity", ex -> {
            hits.incrementAndGet();
            try (ex) {
                if (hang) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
    }

    /** Answer a well-formed capacity for this worker's key with these models. */
    FakeWorker models(String... models) {
        var sb = new StringBuilder();
        for (String m : models) sb.append(sb.isEmpty() ? "" : ",").append('"').append(m).append('"');
        return answer(200, "{\"pubkey\":\"" + pubkey + "\",\"models\":[" + sb + "],\"tier\":\"interactive\",\"concurrency\":2,\"queueDepth\":0,"
                + "\"jobCounts\":{\"queued\":0,\"running\":0,\"done\":0,\"error\":0}}");
    }

    FakeWorker answer(int status, String body) {
        this.status = status;
        this.body = body;
        this.hang = false;
        return this;
    }

    FakeWorker hang() {
        hang = true;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Peer peer() {
        return Peer.of(pubkey, url(), null);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}

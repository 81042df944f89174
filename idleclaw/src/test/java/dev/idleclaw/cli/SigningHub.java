package dev.idleclaw.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.auth.RequestSignature.Verdict;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny real HTTP server standing in for a hub: it verifies every request's signature with
 * {@link RequestSignature#verify} from what it actually received (method, raw path and query, Host header, body)
 * and records it; answers {@code /api/chat} with a two-event SSE stream and {@code /balance} with the
 * lobstah-wire.md §8 shape for the verified key (401 when unsigned or invalid).
 */
final class SigningHub implements AutoCloseable {
    /** What one request carried and how its signature verified. */
    record Seen(String method, String pathAndQuery, String host, String requester, String authorization, Verdict verdict) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    volatile int balanceStatus = 200;
    volatile String balancePubkeyOverride;

    SigningHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        var uri = ex.getRequestURI();
        String pathAndQuery = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        var headers = ex.getRequestHeaders();
        String host = headers.getFirst("Host");
        Verdict verdict = RequestSignature.verify(headers::getFirst, ex.getRequestMethod(), pathAndQuery, host, body, System.currentTimeMillis());
        seen.add(new Seen(ex.getRequestMethod(), pathAndQuery, host, headers.getFirst(RequestSignature.REQUESTER),
                headers.getFirst("Authorization"), verdict));
        switch (uri.getPath()) {
            case "/api/chat" -> chat(ex);
            case "/balance" -> balance(ex, verdict);
            default -> send(ex, 404, "application/json", "{\"detail\":\"Not Found\"}");
        }
    }

    private static void chat(HttpExchange ex) throws IOException {
        send(ex, 200, "text/event-stream", "data: {\"choices\":[{\"delta\":{\"content\":\"hello\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n");
    }

    private void balance(HttpExchange ex, Verdict verdict) throws IOException {
        if (balanceStatus != 200) {
            send(ex, balanceStatus, "application/json", "{\"error\":{\"type\":\"nope\"}}");
            return;
        }
        if (!(verdict instanceof Verdict.Valid valid)) {
            send(ex, 401, "application/json", "{\"error\":{\"type\":\"unauthorized\",\"message\":\"" + verdict + "\"}}");
            return;
        }
        String pubkey = balancePubkeyOverride != null ? balancePubkeyOverride : valid.pubkey();
        String self = "{\"pubkey\":\"" + pubkey + "\",\"earned\":120,\"spent\":45,\"net\":75,\"allowance\":10000,\"available\":10075}";
        send(ex, 200, "application/json", "{\"pubkey\":\"lob1" + "0".repeat(64) + "\",\"totals\":{\"earned\":120,\"spent\":45,\"receipts\":3},"
                + "\"self\":" + self + ",\"perPeer\":[" + self + "],\"bootstrapAllowance\":10000}");
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

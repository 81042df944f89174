package dev.idleclaw.clients.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A reverse proxy that serves the hub under a path prefix and strips it, as {@code location /claw/ { proxy_pass
 * http://hub/; }} does in nginx: streamed answers pass through as they arrive.
 */
final class PrefixProxy implements AutoCloseable {
    /** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1), plus what the client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-connection", "host", "content-length", "expect");
    private static final int BUFFER = 8192;

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String prefix;
    private final String upstream;

    PrefixProxy(String prefix, String upstream) throws IOException {
        this.prefix = prefix;
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(prefix, this::forward);
        server.start();
    }

    /** The prefixed URL of the hub's root, e.g. {@code http://127.0.0.1:PORT/claw/}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            String path = "/" + ex.getRequestURI().getRawPath().substring(prefix.length());
            String query = ex.getRequestURI().getRawQuery();
            var req = HttpRequest.newBuilder(URI.create(upstream + path + (query == null ? "" : "?" + query)));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) values.forEach(v -> req.header(name, v));
            });
            byte[] body = ex.getRequestBody().readAllBytes();
            req.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<InputStream> res;
            try {
                res = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            res.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) ex.getResponseHeaders().put(name, values);
            });
            boolean empty = res.statusCode() == 304 || ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(res.statusCode(), empty ? -1 : 0);
            try (InputStream in = res.body(); OutputStream out = ex.getResponseBody()) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}

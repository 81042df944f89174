package dev.idleclaw.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/** Shared bits of the consumer commands: the hub's base URL and one HTTP/1.1 client. */
final class HubClient {
    /** A hub that does not accept a connection within this time is treated as unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    /** {@code server} must be an http(s) URL; a trailing slash is ignored. */
    HubClient(String server) {
        String s = server.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (!s.matches("(?i)^https?://[^/\\s]+(/\\S*)?$")) {
            throw new IllegalArgumentException("--server must be an http:// or https:// URL, got '" + server + "'");
        }
        this.base = s;
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    static String describe(Exception e) {
        String m = ServerCommand.rootMessage(e);
        return e instanceof java.net.ConnectException || m.contains("Connection refused") ? "connection refused" : m;
    }
}

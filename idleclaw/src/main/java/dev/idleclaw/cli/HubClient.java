package dev.idleclaw.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/** Shared bits of the consumer commands: the hub's base URL and one HTTP/1.1 client. */
final class HubClient {
    /** A hub that does not accept a connection within this time is treated as unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    final String base;
    final HttpClient http;

    /**
     * {@code server} must be an http(s) URL; a trailing slash is ignored. {@code tls} adds the {@code --ca-cert}
     * trust (its file is read here, so a bad one is an {@link IllegalArgumentException} like a bad URL).
     */
    HubClient(String server, TlsOption tls) {
        String s = server.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (!s.matches("(?i)^https?://[^/\\s]+(/\\S*)?$")) {
            throw new IllegalArgumentException("--server must be an http:// or https:// URL, got '" + server + "'");
        }
        this.base = s;
        var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
        var context = tls == null ? null : tls.context();
        if (context != null) builder.sslContext(context);
        this.http = builder.build();
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    static String describe(Exception e) {
        String m = ServerCommand.rootMessage(e);
        if (certificateRejected(e)) return "its TLS certificate is not trusted (" + m + "); for a self-signed or private-CA hub pass --ca-cert FILE";
        return e instanceof java.net.ConnectException || m.contains("Connection refused") ? "connection refused" : m;
    }

    private static boolean certificateRejected(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException) return true;
        }
        return false;
    }
}

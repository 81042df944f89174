package dev.idleclaw.cli;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Shared bits of the consumer commands: the hub's base URL, where it came from ({@link ServerSetting}) so messages
 * name what to fix, and one HTTP/1.1 client.
 */
final class HubClient {
    /** A hub that does not accept a connection within this time is treated as unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How much of a stranger's answer a message quotes. */
    private static final int SNIPPET_CHARS = 80;

    final String base;
    /** Where {@link #base} came from, e.g. {@code address from IDLECLAW_SERVER}. */
    final String origin;
    final HttpClient http;

    /**
     * The address must be an http(s) URL (a trailing slash is ignored); the complaint names where it came from.
     * {@code tls} adds the {@code --ca-cert} trust (its file is read here, so a bad one is an
     * {@link IllegalArgumentException} like a bad URL).
     */
    private HubClient(ServerSetting setting, TlsOption tls) {
        String s = setting.value().strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (!s.matches("(?i)^https?://[^/\\s]+(/\\S*)?$")) {
            throw new IllegalArgumentException(setting.name() + " must be an http:// or https:// URL, got '" + setting.value() + "'");
        }
        this.base = s;
        this.origin = setting.origin();
        var builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
        var context = tls == null ? null : tls.context();
        if (context != null) builder.sslContext(context);
        this.http = builder.build();
    }

    /** The hub named by the {@code --server} value, else by {@code $IDLECLAW_SERVER} from {@code env}, else the default. */
    static HubClient of(String flag, Function<String, String> env, TlsOption tls) {
        return new HubClient(ServerSetting.of(flag, env), tls);
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    /** The path part of {@link #base} ({@code ""} for a bare host). */
    String basePath() {
        String p = URI.create(base).getRawPath();
        return p == null ? "" : p;
    }

    /**
     * One line: this address is not an IdleClaw hub, what it {@code answered}, where the address came from, and, for
     * an address ending in {@code /v1} or {@code /api} (an OpenAI or Ollama base URL), the address without it.
     */
    String notAHub(String answered) {
        String hint = "";
        String path = basePath();
        if (path.endsWith("/v1") || path.endsWith("/api")) hint = "; try " + base.substring(0, base.length() - path.length());
        return base + " is not an IdleClaw hub (it answered " + answered + "; " + origin + hint + ")";
    }

    /** The first line of a body, shortened, for quoting in a message. */
    static String snippet(String body) {
        String line = body.strip().lines().findFirst().orElse("").strip();
        return line.length() > SNIPPET_CHARS ? line.substring(0, SNIPPET_CHARS) + "…" : line;
    }

    /** What went wrong connecting to {@code uri}: unknown host, refused, timed out, TLS failed, or the cause's words. */
    static String describe(Throwable e, URI uri) {
        if (certificateRejected(e)) {
            return "its TLS certificate is not trusted (" + ServerCommand.rootMessage(e) + "); for a self-signed or private-CA hub pass --ca-cert FILE";
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) return "unknown host '" + uri.getHost() + "'";
            if (c instanceof HttpConnectTimeoutException) return "timed out connecting";
            if (c instanceof HttpTimeoutException) return "timed out waiting for an answer";
            if (c instanceof SSLException s) return "TLS failed: " + ServerCommand.rootMessage(s);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                String m = c.getMessage();
                return m == null || m.isBlank() || m.contains("refused") ? "connection refused" : m;
            }
        }
        String m = ServerCommand.rootMessage(e);
        return m.contains("received no bytes") ? "the server closed the connection without answering" : m;
    }

    private static boolean certificateRejected(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException) return true;
        }
        return false;
    }
}

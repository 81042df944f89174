package dev.idleclaw.server;

import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.front.ChatDialect;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how the hub listens, and what a connection or request may cost before it is refused. Messages name the
 * command-line option.
 *
 * @param ollamaPort    a second, Ollama-only listener; {@link #NO_OLLAMA_PORT} for none
 * @param publicUrl     null: signed requests name the host they reach the hub by (Host, or X-Forwarded-Host from a
 *                      trusted proxy)
 * @param nodeListener  false: no {@code /ws/node} (the router's one-user profile)
 * @param minBodyRate   bytes per second; 0 = no minimum
 * @param web           the pages for people ({@code /} for browsers, {@code /chat}, …); false: an API-only hub
 */
public record Listen(String host, int port, int ollamaPort, ChatDialect.Mode chatDialect, List<String> corsOrigins,
                     List<String> trustedProxies, URI publicUrl, boolean nodeListener, int maxConnectionsPerIp,
                     Duration headerTimeout, long minBodyRate, long maxBodyBytes, boolean web) {

    /** Loopback: a hub is exposed only when the operator says so. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The IdleClaw server's port; clients default to it. */
    public static final int DEFAULT_PORT = 8000;
    /** No second, Ollama-only listener unless asked for. */
    public static final int NO_OLLAMA_PORT = -1;
    /**
     * Open connections per address (HTTP, streams and node sockets alike): a browser opens 6 per host, three nodes
     * and three chats take 6 more, and an agent's pool a few; 64 leaves a household NAT room while one address can
     * hold only a small share of the process's file descriptors.
     */
    public static final int DEFAULT_CONNECTIONS_PER_IP = 64;
    /** A request's headers arrive in one packet from a real client; 10 s covers a slow mobile link many times over. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Bytes per second a body must average: 8 kbit/s is below any real link, and a 256 KiB agent turn still gets 4 minutes. */
    public static final long DEFAULT_MIN_BODY_RATE = 1_024;
    /**
     * Largest request body: an agent's turn (a 25k-character system prompt, a dozen tool schemas, a long history) is
     * 100–300 KiB, and images in base64 add a few MiB; bigger is not a chat.
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    /** The IdleClaw door's own limit: its 100,000 characters of content must always fit in a body. */
    static final long MIN_BODY_BYTES = 512 * 1024;

    public Listen {
        Objects.requireNonNull(host, "--host");
        require(!host.isBlank(), "--host must not be empty");
        require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, got " + port);
        require(ollamaPort == NO_OLLAMA_PORT || ollamaPort >= 0 && ollamaPort <= 65535,
                "--ollama-port must be between 0 and 65535, got " + ollamaPort);
        require(ollamaPort <= 0 || ollamaPort != port, "--ollama-port must differ from --port");
        Objects.requireNonNull(chatDialect, "--chat-dialect");
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        require(maxConnectionsPerIp > 0, "--max-connections-per-ip must be positive, got " + maxConnectionsPerIp);
        require(headerTimeout != null && headerTimeout.isPositive(), "--header-timeout must be positive");
        require(minBodyRate >= 0, "--min-body-rate must be zero (off) or positive, got " + minBodyRate);
        require(maxBodyBytes >= MIN_BODY_BYTES, "--max-body-bytes must be at least " + MIN_BODY_BYTES + ", got " + maxBodyBytes);
        for (String p : trustedProxies) ClientIp.parseRange(p);
        requirePublicUrl(publicUrl);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Null (no public URL) or an http(s) URL naming only the hub's root: signatures name its host (docs/operations.md). */
    private static void requirePublicUrl(URI url) {
        if (url == null) return;
        String path = url.getRawPath();
        require(url.isAbsolute() && ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                        && url.getHost() != null && url.getRawUserInfo() == null && url.getRawQuery() == null
                        && url.getRawFragment() == null && (path == null || path.isEmpty() || path.equals("/")),
                "--public-url must be the hub's root URL as clients use it, e.g. https://hub.example.org, got '" + url + "'");
    }
}

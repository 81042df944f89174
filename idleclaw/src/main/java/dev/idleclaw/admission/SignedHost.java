package dev.idleclaw.admission;

import dev.idleclaw.auth.RequestSignature;
import java.net.URI;
import java.util.function.Function;

/**
 * The host a request or forward signature must name. A client signs the {@code Host} it sends to the URL it was
 * given, but behind a reverse proxy the hub receives whatever {@code Host} the proxy sets (nginx's {@code $host}
 * drops a non-default port, {@code $proxy_host} names the upstream). So the expected host is, in order: the
 * hub's public URL when one is configured (then nothing a request says matters, and a signature meant for another
 * hub never verifies here); the first {@code X-Forwarded-Host} when the socket peer is a trusted proxy; the
 * {@code Host} header.
 */
public final class SignedHost {
    static final String FORWARDED_HOST = "X-Forwarded-Host";
    /** The public URL's host as a client sends it (with a non-default port); null when none is configured. */
    private final String publicHost;
    private final ClientIp proxies;

    public SignedHost(URI publicUrl, ClientIp proxies) {
        this.publicHost = publicUrl == null ? null : RequestSignature.hostHeader(publicUrl);
        this.proxies = proxies;
    }

    /** The host for a request from socket address {@code peer} with headers read through {@code header}. */
    String of(String peer, Function<String, String> header) {
        if (publicHost != null) return publicHost;
        String forwarded = header.apply(FORWARDED_HOST);
        if (forwarded != null && proxies.isTrusted(peer)) {
            // A list is what chained proxies make; the first entry is the host the client asked for.
            String first = forwarded.split(",", 2)[0].strip();
            if (!first.isEmpty()) return first;
        }
        String host = header.apply("Host");
        return host == null ? "" : host;
    }
}

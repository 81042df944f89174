package dev.idleclaw.node;

import java.io.IOException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * A connection to the hub that failed before the WebSocket opened. {@code permanent} when retrying the same address
 * cannot help: an unknown host, a TLS failure, or an upgrade answered with a redirect or a 4xx other than 408/429
 * (a wrong path, a server that is not a hub). Refusals, timeouts and 5xx may heal and are not permanent.
 */
final class ConnectFailure extends IOException {
    private final boolean permanent;

    ConnectFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    boolean permanent() {
        return permanent;
    }

    /** The failure {@code cause} (what the WebSocket builder threw) means for connecting to {@code host}. */
    static ConnectFailure of(Throwable cause, String host) {
        if (cause instanceof WebSocketHandshakeException h) return upgradeRefused(h.getResponse().statusCode(), h);
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return new ConnectFailure("unknown host '" + host + "'", true, cause);
            }
            if (c instanceof SSLException s) return new ConnectFailure("TLS failed: " + s.getMessage(), true, cause);
            if (c instanceof HttpConnectTimeoutException) return new ConnectFailure("connect timed out", false, cause);
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) return new ConnectFailure("connection refused", false, cause);
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c.getMessage() != null) return new ConnectFailure(c.getMessage(), false, cause);
        }
        return new ConnectFailure(cause.getClass().getSimpleName(), false, cause);
    }

    static ConnectFailure upgradeRefused(int status, Throwable cause) {
        if (status == 429) return new ConnectFailure("the hub is rate-limiting connections (HTTP 429)", false, cause);
        boolean permanent = status / 100 == 3 || status / 100 == 4 && status != 408;
        String what = "the server answered the WebSocket upgrade with HTTP " + status;
        return new ConnectFailure(status == 404 ? what + ", so it is not an IdleClaw hub" : what, permanent, cause);
    }
}

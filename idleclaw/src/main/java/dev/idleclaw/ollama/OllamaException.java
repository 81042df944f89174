package dev.idleclaw.ollama;

/**
 * A failed call to the local Ollama. {@link #unreachable()} is true when no HTTP exchange happened at all
 * (connection refused, connect timeout): Ollama is not running rather than failing a request.
 * {@link #status()} is the HTTP status of a refused request, or 0 when there was none.
 */
public final class OllamaException extends Exception {
    private final int status;
    private final boolean unreachable;

    private OllamaException(String message, int status, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.unreachable = unreachable;
    }

    /** Ollama could not be reached at {@code url}. */
    static OllamaException unreachable(String url, Throwable cause) {
        return new OllamaException("Ollama is not reachable at " + url + " (" + describe(cause) + ")", 0, true, cause);
    }

    /** A short reason from a transport failure chain ("connection refused", "unknown host", …). */
    private static String describe(Throwable cause) {
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            switch (t) {
                case java.nio.channels.UnresolvedAddressException u -> { return "unknown host"; }
                case java.net.UnknownHostException u -> { return "unknown host"; }
                case java.net.http.HttpConnectTimeoutException c -> { return "connect timed out"; }
                default -> { if (message == null) message = t.getMessage(); }
            }
        }
        return message != null ? message : cause instanceof java.net.ConnectException ? "connection refused"
                : cause.getClass().getSimpleName();
    }

    /** Ollama answered {@code status} with {@code error} (its {@code {"error":…}} text). */
    static OllamaException status(String path, int status, String error) {
        return new OllamaException("Ollama " + path + " returned " + status + ": " + error, status, false, null);
    }

    /** The call broke after it started (error line, EOF without {@code done}, bad JSON, idle timeout). */
    static OllamaException failed(String message, Throwable cause) {
        return new OllamaException(message, 0, false, cause);
    }

    public int status() {
        return status;
    }

    public boolean unreachable() {
        return unreachable;
    }
}

package dev.idleclaw.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One streamed {@code POST /api/chat}. {@link #stream} runs it on the calling thread; {@link #cancel} may be
 * called from any thread at any time (before, during or after) and closes the response body, which is how
 * Ollama is told to stop generating. The socket's read timeout ends the call when no bytes arrive for the
 * configured idle time (a total timeout would kill long generations). A call that ends cleanly (done, or an error
 * status with its whole body) leaves its connection to the next call; any other end closes it.
 */
public final class ChatCall {
    /** How a call that did not fail ended. */
    public enum Outcome { DONE, CANCELLED }

    /** Ollama's chunks are small; a line this long means something is broken, not a big token. */
    static final int MAX_LINE_BYTES = 8 << 20;
    /** Enough of an error body to show Ollama's message. */
    private static final int MAX_ERROR_BODY_BYTES = 4096;

    private final URI uri;
    private final ConnectionPool pool;
    private final byte[] requestBody;
    private final Duration connectTimeout;
    private final Duration idleRead;
    private volatile boolean cancelled;
    private volatile HttpStream exchange;

    ChatCall(URI uri, ConnectionPool pool, byte[] requestBody, Duration connectTimeout, Duration idleRead) {
        this.uri = uri;
        this.pool = pool;
        this.requestBody = requestBody;
        this.connectTimeout = connectTimeout;
        this.idleRead = idleRead;
    }

    /**
     * Sends the request and hands every line to {@code handler} until {@code done:true} ({@link Outcome#DONE})
     * or a cancel ({@link Outcome#CANCELLED}). An {@code error} line, EOF without {@code done}, a bad line, an
     * idle timeout or a handler failure end it with {@link OllamaException}.
     */
    public Outcome stream(LineHandler handler) throws OllamaException {
        if (cancelled) return Outcome.CANCELLED;
        var x = new HttpStream(uri, pool);
        exchange = x;
        try {
            if (cancelled) return Outcome.CANCELLED;
            try {
                x.open(requestBody, "application/x-ndjson", connectTimeout, idleRead);
            } catch (IOException e) {
                if (cancelled) return Outcome.CANCELLED;
                if (e instanceof SocketTimeoutException) throw idleFailure();
                throw OllamaClient.classify(uri, e);
            }
            if (x.status() != 200) {
                String error = errorText(x.body());
                x.release();
                throw OllamaException.status("/api/chat", x.status(), error);
            }
            Outcome outcome = readLines(x.body(), handler);
            if (outcome == Outcome.DONE) x.release();
            return outcome;
        } catch (SocketTimeoutException e) {
            throw idleFailure();
        } catch (IOException e) {
            if (cancelled) return Outcome.CANCELLED;
            throw OllamaException.failed("reading the Ollama stream failed: " + e.getMessage(), e);
        } finally {
            x.close(); // after release() a no-op; otherwise the exchange did not end cleanly and its socket is not reused
        }
    }

    /** Stops the call: closes the HTTP connection so Ollama stops generating. Idempotent, any thread. */
    public void cancel() {
        cancelled = true;
        var x = exchange;
        if (x != null) x.close();
    }

    public boolean cancelled() {
        return cancelled;
    }

    private Outcome readLines(InputStream in, LineHandler handler) throws IOException, OllamaException {
        var line = new ByteArrayOutputStream(256);
        var buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') continue;
                line.write(buf, from, i - from);
                from = i + 1;
                if (handle(line.toString(StandardCharsets.UTF_8), handler)) return Outcome.DONE;
                line.reset();
            }
            line.write(buf, from, n - from);
            if (line.size() > MAX_LINE_BYTES) throw OllamaException.failed("Ollama sent a line over 8 MiB", null);
        }
        if (line.size() > 0 && handle(line.toString(StandardCharsets.UTF_8), handler)) return Outcome.DONE;
        if (cancelled) return Outcome.CANCELLED;
        throw OllamaException.failed("the Ollama stream ended without done:true", null);
    }

    /** Parses and delivers one line; true when it was the final {@code done:true} line. */
    private boolean handle(String text, LineHandler handler) throws OllamaException {
        if (text.isBlank() || cancelled) return false;
        ObjectNode line;
        try {
            line = Json.parse(text) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            line = null;
        }
        if (line == null) throw OllamaException.failed("Ollama sent a line that is not a JSON object", null);
        if (line.hasNonNull("error")) {
            String error = line.get("error").isTextual() ? line.get("error").textValue() : line.get("error").toString();
            throw OllamaException.failed("Ollama error: " + error, null);
        }
        try {
            handler.onLine(line);
        } catch (Exception e) {
            throw OllamaException.failed("relaying an Ollama line failed: " + e.getMessage(), e);
        }
        return line.path("done").asBoolean(false);
    }

    private OllamaException idleFailure() {
        return OllamaException.failed("no data from Ollama for " + idleRead.toMillis() + " ms", null);
    }

    private static String errorText(InputStream in) {
        try (in) {
            var text = new String(in.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8);
            try {
                String error = Json.text(Json.parse(text), "error");
                return error != null ? error : text.strip();
            } catch (IOException notJson) {
                return text.strip();
            }
        } catch (IOException e) {
            return "(no body)";
        }
    }
}

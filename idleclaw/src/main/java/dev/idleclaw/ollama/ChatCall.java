package dev.idleclaw.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One streamed {@code POST /api/chat}. {@link #stream} runs it on the calling thread; {@link #cancel} may be
 * called from any thread at any time (before, during or after) and closes the response body, which is how
 * Ollama is told to stop generating. An idle-read watchdog ends the call when no line arrives for the
 * configured time (a total timeout would kill long generations).
 */
public final class ChatCall {
    /** How a call that did not fail ended. */
    public enum Outcome { DONE, CANCELLED }

    /** Ollama's chunks are small; a line this long means something is broken, not a big token. */
    static final int MAX_LINE_BYTES = 8 << 20;
    /** Enough of an error body to show Ollama's message. */
    private static final int MAX_ERROR_BODY_BYTES = 4096;

    private final HttpClient http;
    private final HttpRequest request;
    private final Duration idleRead;
    private final ScheduledExecutorService watchdog;
    private volatile boolean cancelled;
    private volatile boolean idleTimedOut;
    private volatile boolean finished;
    private volatile CompletableFuture<HttpResponse<InputStream>> pending;
    private volatile InputStream body;
    private volatile long lastReadNanos;
    private volatile ScheduledFuture<?> watch;

    ChatCall(HttpClient http, HttpRequest request, Duration idleRead, ScheduledExecutorService watchdog) {
        this.http = http;
        this.request = request;
        this.idleRead = idleRead;
        this.watchdog = watchdog;
    }

    /**
     * Sends the request and hands every line to {@code handler} until {@code done:true} ({@link Outcome#DONE})
     * or a cancel ({@link Outcome#CANCELLED}). An {@code error} line, EOF without {@code done}, a bad line, an
     * idle timeout or a handler failure end it with {@link OllamaException}.
     */
    public Outcome stream(LineHandler handler) throws OllamaException {
        if (cancelled) return Outcome.CANCELLED;
        var future = http.sendAsync(request, BodyHandlers.ofInputStream());
        pending = future;
        if (cancelled) future.cancel(true);
        HttpResponse<InputStream> response;
        try {
            response = future.get();
        } catch (CancellationException e) {
            return Outcome.CANCELLED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return Outcome.CANCELLED;
        } catch (ExecutionException e) {
            if (cancelled) return Outcome.CANCELLED;
            throw OllamaClient.classify(request.uri(), e.getCause());
        }
        body = response.body();
        if (cancelled) {
            closeQuietly(response.body());
            return Outcome.CANCELLED;
        }
        if (response.statusCode() != 200) {
            throw OllamaException.status("/api/chat", response.statusCode(), errorText(response.body()));
        }
        lastReadNanos = System.nanoTime();
        armWatchdog(idleRead.toNanos());
        try (InputStream in = response.body()) {
            return readLines(in, handler);
        } catch (IOException e) {
            if (cancelled) return Outcome.CANCELLED;
            if (idleTimedOut) throw idleFailure();
            throw OllamaException.failed("reading the Ollama stream failed: " + e.getMessage(), e);
        } finally {
            finished = true;
            var w = watch;
            if (w != null) w.cancel(false);
        }
    }

    /** Stops the call: closes the HTTP stream so Ollama stops generating. Idempotent. */
    public void cancel() {
        cancelled = true;
        var f = pending;
        if (f != null) f.cancel(true);
        closeQuietly(body);
    }

    public boolean cancelled() {
        return cancelled;
    }

    private Outcome readLines(InputStream in, LineHandler handler) throws IOException, OllamaException {
        var line = new ByteArrayOutputStream(256);
        var buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            lastReadNanos = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    line.write(buf[i]);
                    if (line.size() > MAX_LINE_BYTES) throw OllamaException.failed("Ollama sent a line over 8 MiB", null);
                    continue;
                }
                if (handle(line.toString(StandardCharsets.UTF_8), handler)) return Outcome.DONE;
                line.reset();
            }
        }
        if (line.size() > 0 && handle(line.toString(StandardCharsets.UTF_8), handler)) return Outcome.DONE;
        if (cancelled) return Outcome.CANCELLED;
        if (idleTimedOut) throw idleFailure();
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

    private void armWatchdog(long delayNanos) {
        watch = watchdog.schedule(() -> {
            if (finished) return;
            long idle = System.nanoTime() - lastReadNanos;
            if (idle >= idleRead.toNanos()) {
                idleTimedOut = true;
                closeQuietly(body);
            } else if (!cancelled && !finished) {
                armWatchdog(idleRead.toNanos() - idle);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
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

    private static void closeQuietly(InputStream in) {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is best effort: the call is over either way
        }
    }
}

package dev.idleclaw.peer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One bounded GET: a deadline over the whole exchange (headers and body), a size cap, 2xx or an exception. */
final class Http {
    private Http() {}

    /**
     * The body of {@code GET uri}; throws {@link IOException} with a one-line reason on a connection error, a
     * non-2xx status, a body over {@code maxBytes} or when the whole exchange takes longer than {@code timeout}.
     */
    static byte[] get(HttpClient http, URI uri, Duration timeout, int maxBytes) throws IOException {
        var request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        var pending = http.sendAsync(request, BoundedBody.handler(maxBytes));
        HttpResponse<byte[]> response;
        try {
            // The request timeout covers only the wait for headers; this deadline also covers a body that trickles.
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException(reason(e.getCause()), e.getCause());
        }
        if (response.statusCode() / 100 != 2) throw new IOException("HTTP " + response.statusCode());
        return response.body();
    }

    /** A one-line reason: "connection refused" or "timed out" when the chain says so, else the first message in it. */
    static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) return "connection refused";
            if (c instanceof java.net.http.HttpTimeoutException) return "timed out";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) return c.getMessage().lines().findFirst().orElse("");
        }
        return t.getClass().getSimpleName();
    }
}

package dev.idleclaw.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * One consumer on the JDK {@link HttpClient} (HTTP/1.1, one connection per concurrent consumer); ONE client is
 * shared by every consumer and owned by the caller. Kept as a cross-check of {@link NioConsumer}: it costs
 * several times more CPU per token.
 */
final class JdkExchange implements Exchange {
    /** Longest wait for response headers (the hub may queue a chat for a while before a node is free). */
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int READ_BYTES = 8192;

    /** The client every consumer shares (the caller shuts it down). */
    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    private final Door door;
    private final LongAdder tokens;
    private final HttpClient http;
    private final HttpRequest request;

    JdkExchange(HttpClient http, URI base, Door door, String body, LongAdder tokens) {
        this.http = http;
        this.door = door;
        this.tokens = tokens;
        this.request = HttpRequest.newBuilder(base.resolve(door.path)).timeout(HEADERS_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", door.accept)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public Outcome once() {
        var reader = new AnswerReader(door, tokens);
        long t0 = System.nanoTime();
        reader.start(t0);
        try {
            HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                    String text = new String(in.readNBytes(AnswerReader.ERROR_TEXT), StandardCharsets.UTF_8);
                    return new Outcome(res.statusCode(), -1, System.nanoTime() - t0, 0,
                            "HTTP " + res.statusCode() + " " + AnswerReader.oneLine(text));
                }
                byte[] buf = new byte[READ_BYTES];
                for (int n; (n = in.read(buf)) >= 0; ) reader.feed(buf, 0, n);
                return reader.finish(200);
            }
        } catch (IOException e) {
            return new Outcome(0, -1, System.nanoTime() - t0, 0, e.getClass().getSimpleName() + ": " + AnswerReader.oneLine(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, -1, System.nanoTime() - t0, 0, "interrupted");
        }
    }

    /** Nothing: the shared client outlives every consumer. */
    @Override
    public void close() {}
}

package dev.idleclaw.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One streamed chat in one of the three consumer dialects, read to its end on a virtual thread, and what became of
 * it: finished as its dialect finishes, ended by the dialect's in-band error, cut off (the connection closed before
 * either), or refused with a status. {@link #start} returns once the response headers (which the hub sends with the
 * first bytes of the answer) are in, so a caller knows the answer is under way and which hub it came from.
 */
final class DialectStream {
    /** The header HAProxy adds (deploy/haproxy/idleclaw-cluster.cfg) naming the hub that answered. */
    static final String BACKEND_HEADER = "X-Backend-Server";
    /** Until the headers: a queue wait and a node's first token on a busy machine. */
    static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(20);

    enum Dialect {
        OLLAMA("/api/chat"), OPENAI("/v1/chat/completions"), ANTHROPIC("/v1/messages");

        final String path;

        Dialect(String path) {
            this.path = path;
        }

        String body(String model) {
            String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
            return switch (this) {
                case OLLAMA, OPENAI -> "{\"model\":\"" + model + "\",\"stream\":true," + messages + "}";
                case ANTHROPIC -> "{\"model\":\"" + model + "\",\"max_tokens\":256,\"stream\":true," + messages + "}";
            };
        }

        boolean finished(String body) {
            return switch (this) {
                case OLLAMA -> body.strip().lines().reduce((a, b) -> b).orElse("").contains("\"done\":true");
                case OPENAI -> body.contains("data: [DONE]");
                case ANTHROPIC -> body.contains("event: message_stop");
            };
        }

        boolean inBandError(String body) {
            return switch (this) {
                case OLLAMA -> body.lines().anyMatch(l -> l.startsWith("{\"error\""));
                case OPENAI -> body.contains("data: {\"error\"");
                case ANTHROPIC -> body.contains("event: error");
            };
        }
    }

    enum Outcome { FINISHED, IN_BAND_ERROR, CUT, REFUSED }

    /** A finished exchange: {@code hub} is the balancer's server name (null when the request never reached one). */
    record Answer(Dialect dialect, int status, String hub, String body, Outcome outcome) {}

    /** An answer under way. */
    record Started(Dialect dialect, int status, String hub, CompletableFuture<Answer> answer) {
        /** The answer, or an AssertionError when it is still not over after {@code limit} (a hang). */
        Answer await(Duration limit) throws Exception {
            try {
                return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(dialect + " answer from " + hub + " still open after " + limit + ": a hang");
            }
        }
    }

    private DialectStream() {}

    /** Sends the chat and returns when its headers are in; the body is read in the background. */
    static Started start(HttpClient http, String base, Dialect dialect, String model) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(base + dialect.path)).timeout(HEADERS_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(dialect.body(model))).build();
        HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        String hub = res.headers().firstValue(BACKEND_HEADER).orElse(null);
        var answer = new CompletableFuture<Answer>();
        Thread.ofVirtual().name("stream-" + dialect).start(() -> answer.complete(read(dialect, res, hub)));
        return new Started(dialect, res.statusCode(), hub, answer);
    }

    /** One whole chat, bounded by {@code limit}. */
    static Answer chat(HttpClient http, String base, Dialect dialect, String model, Duration limit) throws Exception {
        return start(http, base, dialect, model).await(limit);
    }

    private static Answer read(Dialect dialect, HttpResponse<InputStream> res, String hub) {
        var bytes = new ByteArrayOutputStream();
        boolean cut = false;
        try (InputStream in = res.body()) {
            in.transferTo(bytes);
        } catch (IOException e) {
            cut = true;
        }
        String body = bytes.toString(StandardCharsets.UTF_8);
        Outcome outcome = res.statusCode() != 200 ? Outcome.REFUSED
                : dialect.inBandError(body) ? Outcome.IN_BAND_ERROR
                : !cut && dialect.finished(body) ? Outcome.FINISHED
                : Outcome.CUT;
        return new Answer(dialect, res.statusCode(), hub, body, outcome);
    }
}

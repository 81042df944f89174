package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A minimal Nostr relay client (NIP-01) over the JDK's WebSocket, one short connection per call:
 * {@link #publish} sends {@code ["EVENT",ev]} and waits for the relay's {@code ["OK",id,accepted,message]};
 * {@link #query} sends {@code ["REQ",sub,filter…]} and collects {@code EVENT}s until {@code EOSE}, a quiet period
 * or a hard timeout (lobstah-wire.md §5: 8 s / 30 s), then sends {@code CLOSE}. Every wait, message and count is
 * bounded; the relay's messages are read one at a time (WebSocket back-pressure), so a flooding relay cannot fill
 * memory.
 */
public final class NostrRelay {
    /** TCP connect plus the WebSocket handshake: a relay that takes longer is as good as down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Waiting for the relay's {@code OK} to one {@code EVENT} (relays verify and store before answering). */
    public static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    /** A collector stops after this long without a message from the relay (upstream's quiet period). */
    public static final Duration QUIET = Duration.ofSeconds(8);
    /** ... and after this long in all, however chatty the relay (upstream's hard timeout). */
    public static final Duration HARD_TIMEOUT = Duration.ofSeconds(30);
    /** One relay message: an announcement event is about 1 KiB, so 256 KiB only ever stops a hostile relay. */
    static final int MAX_MESSAGE_CHARS = 256 * 1024;
    /** Events kept from one query; more than any honest network of peers announces, few enough to hold in memory. */
    public static final int MAX_EVENTS = 5_000;
    /** Sending one frame; the socket's buffer takes a few KiB at once unless the relay stalls. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    /** How long a polite close handshake may take before the socket is simply dropped. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** The relay's answer to one published event. */
    public record Ok(boolean accepted, String message) {}

    /**
     * What a query gathered: the events, and whether the relay said it had sent everything it holds ({@code EOSE}
     * before {@link #MAX_EVENTS}); only then does an event's absence mean the relay does not have it.
     */
    public record Batch(List<JsonNode> events, boolean complete) {}

    private NostrRelay() {}

    /** {@code text} as a relay URI; throws {@link IllegalArgumentException} unless it is {@code ws(s)://host…}. */
    public static URI relayUri(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("a Nostr relay URL must be ws(s)://host[:port], got " + text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
            throw new IllegalArgumentException("a Nostr relay URL must be ws(s)://host[:port], got " + text);
        }
        return uri;
    }

    /** Publishes {@code event} and returns the relay's verdict; throws {@link IOException} when there is none in time. */
    public static Ok publish(URI relay, NostrEvent event) throws IOException {
        try (var c = Connection.open(relay)) {
            c.send(Json.array().add("EVENT").add(event.toJson()));
            long deadline = System.nanoTime() + PUBLISH_TIMEOUT.toNanos();
            String notice = null;
            while (true) {
                JsonNode m = c.next(Duration.ofNanos(deadline - System.nanoTime()));
                if (m == null) throw new IOException("no OK from " + relay + " within " + PUBLISH_TIMEOUT.toSeconds() + " s"
                        + (notice == null ? "" : " (notice: " + notice + ")"));
                String type = m.path(0).asText("");
                if (type.equals("OK") && m.path(1).asText("").equals(event.id())) {
                    return new Ok(m.path(2).asBoolean(false), m.path(3).asText(""));
                }
                if (type.equals("NOTICE")) notice = m.path(1).asText("");
            }
        }
    }

    /**
     * The events the relay holds for {@code filters} (NIP-01 filter objects), at most {@link #MAX_EVENTS}, as JSON
     * (the caller parses and verifies them), and whether the relay marked the end of them. Stops at {@code EOSE}, {@code CLOSED}, {@link #QUIET} or
     * {@link #HARD_TIMEOUT}. Throws {@link IOException} when the relay cannot be reached.
     */
    public static Batch query(URI relay, JsonNode... filters) throws IOException {
        String sub = "idleclaw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        List<JsonNode> events = new ArrayList<>();
        boolean complete = false;
        try (var c = Connection.open(relay)) {
            ArrayNode req = Json.array().add("REQ").add(sub);
            for (JsonNode f : filters) req.add(f);
            c.send(req);
            long hard = System.nanoTime() + HARD_TIMEOUT.toNanos();
            while (events.size() < MAX_EVENTS) {
                long left = hard - System.nanoTime();
                JsonNode m = c.next(Duration.ofNanos(Math.min(left, QUIET.toNanos())));
                if (m == null) break;
                String type = m.path(0).asText("");
                if (!m.path(1).asText("").equals(sub)) continue; // NOTICE, AUTH, another subscription's leftovers
                if (type.equals("EVENT") && m.path(2).isObject()) events.add(m.get(2));
                else if (type.equals("EOSE")) {
                    complete = true;
                    break;
                } else if (type.equals("CLOSED")) break;
            }
            c.sendQuietly(Json.array().add("CLOSE").add(sub));
        }
        return new Batch(events, complete);
    }

    /** One WebSocket to a relay, whose messages are taken one at a time with {@link #next}. */
    private static final class Connection implements WebSocket.Listener, AutoCloseable {
        /** Whole messages, an {@link IOException} for a failure, or {@link #CLOSED}. */
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        private static final Object CLOSED = new Object();
        private final URI relay;
        private StringBuilder partial = new StringBuilder();
        private WebSocket socket;
        private boolean ended;

        private Connection(URI relay) {
            this.relay = relay;
        }

        static Connection open(URI relay) throws IOException {
            var c = new Connection(relay);
            try {
                c.socket = HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(relay, c)
                        .get(CONNECT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IOException("cannot connect to relay " + relay + ": " + cause, cause);
            } catch (TimeoutException e) {
                throw new IOException("relay " + relay + " did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + relay);
            }
            return c;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
                inbox.add(new IOException("relay " + relay + " sent a message over " + MAX_MESSAGE_CHARS + " characters"));
                ws.abort();
                return null;
            }
            partial.append(data);
            if (last) {
                inbox.add(partial.toString());
                partial = new StringBuilder();
            } else {
                ws.request(1); // the rest of this message; the next one is asked for when this one is taken
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            inbox.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            inbox.add(new IOException("relay " + relay + " connection failed: " + error, error));
        }

        /** The next message as JSON, or null when none came within {@code wait} or the relay closed. */
        JsonNode next(Duration wait) throws IOException {
            while (!ended) {
                Object m;
                try {
                    m = inbox.poll(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading from " + relay);
                }
                if (m == null) return null;
                if (m == CLOSED) {
                    ended = true;
                    return null;
                }
                if (m instanceof IOException e) throw e;
                socket.request(1);
                try {
                    JsonNode n = Json.parse((String) m);
                    if (n.isArray()) return n;
                } catch (IOException | RuntimeException e) {
                    // not JSON: a broken relay; skip the message
                }
            }
            return null;
        }

        void send(JsonNode message) throws IOException {
            try {
                socket.sendText(Json.write(message), true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot send to relay " + relay + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending to " + relay);
            }
        }

        void sendQuietly(JsonNode message) {
            try {
                send(message);
            } catch (IOException e) {
                // the relay went away: nothing left to close
            }
        }

        @Override
        public void close() {
            if (socket == null) return;
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // already closed or stalled: abort below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.abort();
        }
    }
}
